import { ProviderError } from './errors.js';
import { callProvider, type ProviderResponse, refusal, TokenCache, tokenOf, withBearer } from './http.js';

/** One MoMo product's subscription key and API user (a UUID) with its API key: the token's Basic credentials. */
export interface MomoCredentials {
  subscriptionKey: string;
  apiUser: string;
  apiKey: string;
}

/** The MoMo products evcms calls: Collection takes money, Disbursement gives it back (refunds). */
export type MomoProduct = 'collection' | 'disbursement';

/** How evcms reaches one MTN MoMo Collection account (docs/payments.md; MOMO_* in docs/configuration.md). */
export interface MomoSettings {
  /** https://sandbox.momodeveloper.mtn.com, or the country's production proxy. */
  baseUrl: string;
  /** The Collection product's Ocp-Apim-Subscription-Key. */
  subscriptionKey: string;
  /** The API user (a UUID) and its API key: the token's Basic credentials. */
  apiUser: string;
  apiKey: string;
  /** X-Target-Environment: `sandbox`, or the production one MTN names (mtnrwanda, mtnuganda, ...). */
  targetEnvironment: string;
  /** Where MTN sends the final result (X-Callback-Url); null: evcms polls only. */
  callbackUrl: string | null;
  /** The account's currency (EUR in the sandbox). */
  currency: string;
  /** Per HTTP call; 10 s by default. */
  timeoutMs?: number;
  /** The Disbursement product of the same account, for refunds (MOMO_DISBURSEMENT_*); absent: no refunds. */
  disbursement?: MomoCredentials | null;
}

/** The body of POST /disbursement/v1_0/refund: `amount` of the request-to-pay `referenceIdToRefund`. */
export interface MomoRefundRequest {
  amount: string;
  currency: string;
  externalId: string;
  payerMessage: string;
  payeeNote: string;
  referenceIdToRefund: string;
}

/** GET /disbursement/v1_0/refund/{referenceId}. */
export interface MomoRefundResult {
  amount: string;
  currency: string;
  financialTransactionId?: string;
  externalId?: string;
  status: MomoStatus;
  reason?: string | { code?: string; message?: string };
}

/** The body of POST /collection/v1_0/requesttopay. `amount` is decimal text in major units. */
export interface MomoRequestToPay {
  amount: string;
  currency: string;
  externalId: string;
  payer: { partyIdType: 'MSISDN'; partyId: string };
  payerMessage: string;
  payeeNote: string;
}

export type MomoStatus = 'PENDING' | 'SUCCESSFUL' | 'FAILED';

/** GET /collection/v1_0/requesttopay/{referenceId}: a 200 whose `status` may still say FAILED. */
export interface MomoRequestToPayResult {
  amount: string;
  currency: string;
  financialTransactionId?: string;
  externalId?: string;
  payer?: { partyIdType: string; partyId: string };
  payerMessage?: string;
  payeeNote?: string;
  status: MomoStatus;
  /** A reason code (APPROVAL_REJECTED, PAYER_NOT_FOUND, ...): text, or { code, message } in newer answers. */
  reason?: string | { code?: string; message?: string };
}

/** MoMo's error body: { code, message } (RESOURCE_ALREADY_EXIST, PAYER_NOT_FOUND, ...); the token endpoint says { error }. */
function errorOf(response: ProviderResponse): { code?: string; message?: string } {
  const body = (response.json ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : undefined;
  return { ...(code ? { code } : {}), ...(typeof body.message === 'string' ? { message: body.message } : {}) };
}

const statuses: readonly string[] = ['PENDING', 'SUCCESSFUL', 'FAILED'];

/**
 * A typed client of one MTN MoMo product over fetch: a token from POST /<product>/token/ (Basic api user:api key,
 * cached for its expires_in and fetched again after a 401); for Collection, request-to-pay and its status; for
 * Disbursement, refunds and theirs. Credentials go in headers only, never in an error or a log line.
 */
export class MomoClient {
  private readonly tokens: TokenCache;
  private readonly base: string;
  private readonly credentials: MomoCredentials;

  constructor(
    private readonly settings: MomoSettings,
    private readonly product: MomoProduct = 'collection',
  ) {
    this.base = settings.baseUrl.replace(/\/+$/, '');
    const credentials = product === 'collection' ? settings : settings.disbursement;
    if (!credentials) throw new Error(`MoMo ${product}: no credentials configured`);
    this.credentials = credentials;
    this.tokens = new TokenCache(() => this.fetchToken());
  }

  private get timeoutMs(): number {
    return this.settings.timeoutMs ?? 10_000;
  }

  private async fetchToken(): Promise<{ token: string; expiresInSeconds: number }> {
    const basic = Buffer.from(`${this.credentials.apiUser}:${this.credentials.apiKey}`).toString('base64');
    const response = await callProvider('momo', {
      method: 'POST',
      url: `${this.base}/${this.product}/token/`,
      headers: { authorization: `Basic ${basic}`, 'ocp-apim-subscription-key': this.credentials.subscriptionKey },
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) {
      const { code, message } = errorOf(response);
      throw refusal('momo', 'token', response, code, message);
    }
    return tokenOf('momo', response);
  }

  /** A call with a bearer token (a new one after a 401) and the headers every call of the product carries. */
  private authorised(request: {
    method: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<ProviderResponse> {
    return withBearer(this.tokens, (token) =>
      callProvider('momo', {
        method: request.method,
        url: `${this.base}${request.path}`,
        headers: {
          authorization: `Bearer ${token}`,
          'ocp-apim-subscription-key': this.credentials.subscriptionKey,
          'x-target-environment': this.settings.targetEnvironment,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  /**
   * Asks the payer (X-Reference-Id = `referenceId`, a UUID) to approve a payment. Resolves `accepted` on 202, and
   * `duplicate` on 409 RESOURCE_ALREADY_EXIST: a retry of a request MTN already has (the status says what became of it).
   */
  async requestToPay(referenceId: string, body: MomoRequestToPay, callbackUrl: string | null): Promise<'accepted' | 'duplicate'> {
    const response = await this.authorised({
      method: 'POST',
      path: '/collection/v1_0/requesttopay',
      headers: { 'x-reference-id': referenceId, ...(callbackUrl ? { 'x-callback-url': callbackUrl } : {}) },
      body,
    });
    if (response.status === 202) return 'accepted';
    const { code, message } = errorOf(response);
    if (response.status === 409 && code === 'RESOURCE_ALREADY_EXIST') return 'duplicate';
    throw refusal('momo', 'requesttopay', response, code, message);
  }

  /** What became of a request-to-pay; null when MTN has no such reference (404). */
  requestToPayStatus(referenceId: string): Promise<MomoRequestToPayResult | null> {
    return this.statusOf<MomoRequestToPayResult>('requesttopay', `/collection/v1_0/requesttopay/${encodeURIComponent(referenceId)}`);
  }

  /**
   * Gives (part of) a successful request-to-pay back (Disbursement; X-Reference-Id = `referenceId`, a UUID).
   * `accepted` on 202, `duplicate` on 409 RESOURCE_ALREADY_EXIST: a retry of a refund MTN already has.
   */
  async refund(referenceId: string, body: MomoRefundRequest): Promise<'accepted' | 'duplicate'> {
    const response = await this.authorised({
      method: 'POST',
      path: '/disbursement/v1_0/refund',
      headers: { 'x-reference-id': referenceId },
      body,
    });
    if (response.status === 202) return 'accepted';
    const { code, message } = errorOf(response);
    if (response.status === 409 && code === 'RESOURCE_ALREADY_EXIST') return 'duplicate';
    throw refusal('momo', 'refund', response, code, message);
  }

  /** What became of a refund; null when MTN has no such reference (404). */
  refundStatus(referenceId: string): Promise<MomoRefundResult | null> {
    return this.statusOf<MomoRefundResult>('refund', `/disbursement/v1_0/refund/${encodeURIComponent(referenceId)}`);
  }

  private async statusOf<T extends { status: MomoStatus }>(what: string, path: string): Promise<T | null> {
    const response = await this.authorised({ method: 'GET', path });
    if (response.status === 404) return null;
    if (response.status !== 200) {
      const { code, message } = errorOf(response);
      throw refusal('momo', `${what} status`, response, code, message);
    }
    const body = response.json as T | null;
    if (!body || typeof body.status !== 'string' || !statuses.includes(body.status)) {
      throw new ProviderError('momo', `${what} status: an answer without a known status (${response.text.slice(0, 200)})`, {
        retryable: true,
      });
    }
    return body;
  }
}

/** The reason code of a result, whichever way MTN wrote it. */
export function momoReason(result: Pick<MomoRequestToPayResult, 'reason'>): string | null {
  if (!result.reason) return null;
  return typeof result.reason === 'string' ? result.reason : (result.reason.code ?? result.reason.message ?? null);
}
