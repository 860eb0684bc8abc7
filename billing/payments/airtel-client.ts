import { ProviderError } from './errors.js';
import { callProvider, type ProviderResponse, refusal, TokenCache, tokenOf, withBearer } from './http.js';

/** How evcms reaches one Airtel Money collections account (AIRTEL_* in docs/configuration.md). */
export interface AirtelSettings {
  /** https://openapiuat.airtel.africa (staging) or https://openapi.airtel.africa. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** ISO 3166 alpha-2 of the account (X-Country): RW, UG, KE, ... */
  country: string;
  /** The account's ISO 4217 currency (X-Currency). */
  currency: string;
  /** Per HTTP call; 10 s by default. */
  timeoutMs?: number;
}

/** The body of POST /merchant/v1/payments/: `amount` in major units, `msisdn` without the country code. */
export interface AirtelPaymentRequest {
  reference: string;
  subscriber: { country: string; currency: string; msisdn: string };
  transaction: { amount: number; country: string; currency: string; id: string };
}

/** Airtel's envelope status: `success` false is a refusal whatever the HTTP status. */
export interface AirtelStatusBlock {
  code?: string;
  message?: string;
  result_code?: string;
  response_code?: string;
  success?: boolean;
}

/** TS: success; TF: failed; TE: expired; TIP: in progress; TA: ambiguous (ask again later). */
export type AirtelTransactionStatus = 'TS' | 'TF' | 'TE' | 'TIP' | 'TA' | (string & {});

/** GET /standard/v1/payments/{id}. */
export interface AirtelEnquiry {
  data?: { transaction?: { id?: string; airtel_money_id?: string; message?: string; status?: AirtelTransactionStatus } };
  status?: AirtelStatusBlock;
}

function statusOf(response: ProviderResponse): AirtelStatusBlock {
  const body = response.json as { status?: AirtelStatusBlock; error?: string; error_description?: string } | null;
  if (body?.status && typeof body.status === 'object') return body.status;
  return { ...(body?.error ? { response_code: body.error } : {}), ...(body?.error_description ? { message: body.error_description } : {}) };
}

/**
 * A typed client of Airtel Money's collections over fetch: an OAuth2 client-credentials token (cached for its
 * expires_in, fetched again after a 401), the USSD push payment and its enquiry. Secrets stay in the requests.
 */
export class AirtelClient {
  private readonly tokens: TokenCache;
  private readonly base: string;

  constructor(private readonly settings: AirtelSettings) {
    this.base = settings.baseUrl.replace(/\/+$/, '');
    this.tokens = new TokenCache(() => this.fetchToken());
  }

  private get timeoutMs(): number {
    return this.settings.timeoutMs ?? 10_000;
  }

  private async fetchToken(): Promise<{ token: string; expiresInSeconds: number }> {
    const response = await callProvider('airtel', {
      method: 'POST',
      url: `${this.base}/auth/oauth2/token`,
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify({
        client_id: this.settings.clientId,
        client_secret: this.settings.clientSecret,
        grant_type: 'client_credentials',
      }),
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 200) {
      const status = statusOf(response);
      throw refusal('airtel', 'token', response, status.response_code, status.message);
    }
    return tokenOf('airtel', response);
  }

  /** A call with a bearer token (a new one after a 401) and the account's country and currency. */
  private authorised(request: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<ProviderResponse> {
    return withBearer(this.tokens, (token) =>
      callProvider('airtel', {
        method: request.method,
        url: `${this.base}${request.path}`,
        headers: {
          authorization: `Bearer ${token}`,
          'x-country': this.settings.country,
          'x-currency': this.settings.currency,
          accept: '*/*',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  /** Pushes the payment prompt to the subscriber's phone. Throws a ProviderError when Airtel refuses it. */
  async pay(request: AirtelPaymentRequest): Promise<void> {
    const response = await this.authorised({ method: 'POST', path: '/merchant/v1/payments/', body: request });
    const status = statusOf(response);
    if (response.status === 200 && status.success === true) return;
    throw refusal('airtel', 'payment', response, status.response_code, status.message);
  }

  /** The transaction as Airtel has it; null when Airtel has no such id (404). */
  async enquiry(id: string): Promise<Required<Pick<AirtelEnquiry, 'data'>>['data']['transaction'] | null> {
    const response = await this.authorised({ method: 'GET', path: `/standard/v1/payments/${encodeURIComponent(id)}` });
    if (response.status === 404) return null;
    const status = statusOf(response);
    if (response.status !== 200) throw refusal('airtel', 'enquiry', response, status.response_code, status.message);
    const transaction = (response.json as AirtelEnquiry | null)?.data?.transaction;
    if (!transaction || typeof transaction.status !== 'string') {
      throw new ProviderError('airtel', `enquiry: an answer without a transaction status (${response.text.slice(0, 200)})`, {
        retryable: true,
      });
    }
    return transaction;
  }
}
