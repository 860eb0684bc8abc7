import { randomBytes, randomUUID } from 'node:crypto';
import type { MomoSettings } from '../../billing/payments/momo-client.js';
import { FakeProvider, type Received, sendCallback, uuidV4 } from './fake-http.js';

/**
 * A local stand-in for MTN MoMo's Collection API, written from MTN's documentation (momodeveloper.mtn.com: API
 * user and key, CreateAccessToken, RequesttoPay, RequesttoPayTransactionStatus, Callback, Common Error Codes):
 * the token (Basic api user:api key, Ocp-Apim-Subscription-Key, expires_in), request-to-pay (X-Reference-Id a
 * UUID v4, X-Target-Environment, optional X-Callback-Url; 202; 409 RESOURCE_ALREADY_EXIST), its status (200 with
 * PENDING, SUCCESSFUL or FAILED and a reason; 404 RESOURCE_NOT_FOUND), errors as { code, message }, and the
 * callback (PUT to X-Callback-Url, sent once); and the Disbursement product's refund (its own subscription key, API
 * user and token; POST /disbursement/v1_0/refund naming a SUCCESSFUL request-to-pay, at most what is left of it;
 * 202, 409 RESOURCE_ALREADY_EXIST, GET its status). For tests and the demo only: never a payment method of evcms.
 */

type MomoStatus = 'PENDING' | 'SUCCESSFUL' | 'FAILED';

export interface FakeRequestToPay {
  referenceId: string;
  amount: string;
  currency: string;
  externalId: string;
  payer: { partyIdType: string; partyId: string };
  payerMessage: string;
  payeeNote: string;
  status: MomoStatus;
  reason?: string;
  financialTransactionId?: string;
  callbackUrl: string | null;
}

/** The sandbox's magic numbers (MTN's sandbox test data): anything else is approved when auto-settling. */
const sandboxOutcomes: Record<string, { status: MomoStatus; reason?: string }> = {
  '46733123450': { status: 'FAILED', reason: 'INTERNAL_PROCESSING_ERROR' },
  '46733123451': { status: 'FAILED', reason: 'APPROVAL_REJECTED' },
  '46733123452': { status: 'FAILED', reason: 'EXPIRED' },
  '46733123453': { status: 'PENDING', reason: 'ONGOING' },
  '46733123454': { status: 'PENDING', reason: 'PAYER_DELAYED' },
};

export interface FakeRefund {
  referenceId: string;
  amount: string;
  currency: string;
  externalId: string;
  referenceIdToRefund: string;
  status: MomoStatus;
  reason?: string;
  financialTransactionId?: string;
}

export interface FakeMomoOptions {
  currency?: string;
  targetEnvironment?: string;
  /** Seconds a token lives (expires_in). */
  tokenSeconds?: number;
  /** Settle each request by itself after this long, as the sandbox's test numbers say (the demo's payer). */
  autoSettleMs?: number;
}

export class FakeMomo extends FakeProvider {
  readonly subscriptionKey = randomBytes(16).toString('hex');
  readonly apiUser = randomUUID();
  readonly apiKey = randomBytes(16).toString('hex');
  readonly currency: string;
  readonly targetEnvironment: string;
  readonly requests = new Map<string, FakeRequestToPay>();
  readonly disbursementKey = randomBytes(16).toString('hex');
  readonly disbursementUser = randomUUID();
  readonly disbursementApiKey = randomBytes(16).toString('hex');
  readonly refunds = new Map<string, FakeRefund>();
  /** What a new refund becomes: SUCCESSFUL at once (the default), FAILED, or PENDING until `settleRefund`. */
  refundOutcome: MomoStatus = 'SUCCESSFUL';
  /** Tokens of the Disbursement product: each product's token opens that product only. */
  private readonly disbursementTokens = new Set<string>();
  /** Callbacks sent, with the status our server answered (null: unreachable). */
  readonly callbacks: Array<{ url: string; body: unknown; answered: number | null }> = [];

  constructor(private readonly options: FakeMomoOptions = {}) {
    super();
    this.currency = options.currency ?? 'EUR';
    this.targetEnvironment = options.targetEnvironment ?? 'sandbox';
  }

  static start(options: FakeMomoOptions = {}): Promise<FakeMomo> {
    return new FakeMomo(options).listen();
  }

  /** The settings that reach this fake (what MOMO_* would say). */
  settings(overrides: Partial<MomoSettings> = {}): MomoSettings {
    return {
      baseUrl: this.url,
      subscriptionKey: this.subscriptionKey,
      apiUser: this.apiUser,
      apiKey: this.apiKey,
      targetEnvironment: this.targetEnvironment,
      callbackUrl: null,
      currency: this.currency,
      timeoutMs: 2000,
      disbursement: { subscriptionKey: this.disbursementKey, apiUser: this.disbursementUser, apiKey: this.disbursementApiKey },
      ...overrides,
    };
  }

  /** The same settings as environment variables, for a test system or the demo. */
  env(callbackUrl?: string): Record<string, string> {
    return {
      MOMO_BASE_URL: this.url,
      MOMO_SUBSCRIPTION_KEY: this.subscriptionKey,
      MOMO_API_USER: this.apiUser,
      MOMO_API_KEY: this.apiKey,
      MOMO_TARGET_ENVIRONMENT: this.targetEnvironment,
      MOMO_CURRENCY: this.currency,
      MOMO_DISBURSEMENT_SUBSCRIPTION_KEY: this.disbursementKey,
      MOMO_DISBURSEMENT_API_USER: this.disbursementUser,
      MOMO_DISBURSEMENT_API_KEY: this.disbursementApiKey,
      ...(callbackUrl ? { MOMO_CALLBACK_URL: callbackUrl } : {}),
    };
  }

  /**
   * The payer answers: the request becomes SUCCESSFUL (approved) or FAILED (with `reason`), and MTN calls back once
   * when the request named a callback URL. `claim` sends a callback that says something else than the status.
   */
  async settle(referenceId: string, status: MomoStatus, options: { reason?: string; callback?: boolean; claim?: MomoStatus } = {}) {
    const request = this.requests.get(referenceId);
    if (!request) throw new Error(`fake MoMo: no request ${referenceId}`);
    request.status = status;
    if (status === 'SUCCESSFUL') request.financialTransactionId = String(1_000_000_000 + this.requests.size);
    if (status === 'FAILED') request.reason = options.reason ?? 'APPROVAL_REJECTED';
    if (request.callbackUrl && options.callback !== false) {
      const body = { ...resultOf(request), status: options.claim ?? status };
      this.callbacks.push({ url: request.callbackUrl, body, answered: await sendCallback(request.callbackUrl, 'PUT', body) });
    }
  }

  /** A pending refund settles: SUCCESSFUL or FAILED. */
  settleRefund(referenceId: string, status: 'SUCCESSFUL' | 'FAILED'): void {
    const refund = this.refunds.get(referenceId);
    if (!refund) throw new Error(`fake MoMo: no refund ${referenceId}`);
    refund.status = status;
    if (status === 'SUCCESSFUL') refund.financialTransactionId = String(2_000_000_000 + this.refunds.size);
    else refund.reason = 'NOT_ENOUGH_FUNDS';
  }

  protected handle(request: Received): { status: number; body?: unknown } {
    const disbursement = request.path.startsWith('/disbursement/');
    const key = disbursement ? this.disbursementKey : this.subscriptionKey;
    if (request.headers['ocp-apim-subscription-key'] !== key) {
      return {
        status: 401,
        body: {
          statusCode: 401,
          message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
        },
      };
    }
    if (request.method === 'POST' && request.path === '/collection/token/') return this.token(request);
    if (request.method === 'POST' && request.path === '/disbursement/token/') return this.disbursementToken(request);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!this.bearerOk(request.headers.authorization) || this.disbursementTokens.has(bearer) !== disbursement)
      return { status: 401, body: { code: 'UNAUTHORIZED', message: 'Access token is missing, invalid or expired' } };
    if (request.headers['x-target-environment'] !== this.targetEnvironment) {
      return { status: 403, body: { code: 'NOT_ALLOWED_TARGET_ENVIRONMENT', message: 'Access to target environment is forbidden.' } };
    }
    if (request.method === 'POST' && request.path === '/collection/v1_0/requesttopay') return this.requestToPay(request);
    if (request.method === 'POST' && request.path === '/disbursement/v1_0/refund') return this.refund(request);
    const refund = /^\/disbursement\/v1_0\/refund\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && refund) {
      const found = this.refunds.get(decodeURIComponent(refund[1] as string));
      return found
        ? { status: 200, body: refundResultOf(found) }
        : { status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: 'Requested resource was not found.' } };
    }
    const status = /^\/collection\/v1_0\/requesttopay\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && status) {
      const found = this.requests.get(decodeURIComponent(status[1] as string));
      return found
        ? { status: 200, body: resultOf(found) }
        : { status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: 'Requested resource was not found.' } };
    }
    return { status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: `no ${request.method} ${request.path}` } };
  }

  private token(request: Received): { status: number; body: unknown } {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [user, key] = Buffer.from(basic ?? '', 'base64')
      .toString('utf8')
      .split(':');
    if (user !== this.apiUser || key !== this.apiKey) return { status: 401, body: { error: 'login_failed' } };
    return {
      status: 200,
      body: { access_token: this.issueToken(), token_type: 'access_token', expires_in: this.options.tokenSeconds ?? 3600 },
    };
  }

  private disbursementToken(request: Received): { status: number; body: unknown } {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [user, key] = Buffer.from(basic ?? '', 'base64')
      .toString('utf8')
      .split(':');
    if (user !== this.disbursementUser || key !== this.disbursementApiKey) return { status: 401, body: { error: 'login_failed' } };
    const token = this.issueToken();
    this.disbursementTokens.add(token);
    return { status: 200, body: { access_token: token, token_type: 'access_token', expires_in: this.options.tokenSeconds ?? 3600 } };
  }

  private refund(request: Received): { status: number; body?: unknown } {
    const referenceId = request.headers['x-reference-id'] ?? '';
    if (!uuidV4.test(referenceId)) return bad('X-Reference-Id: expected a UUID version 4');
    const body = request.body as Partial<FakeRefund & { payerMessage: string; payeeNote: string }> | null;
    if (typeof body?.amount !== 'string' || !/^\d+(\.\d+)?$/.test(body.amount)) return bad('amount: expected a decimal string');
    if (body.currency !== this.currency) return { status: 500, body: { code: 'INVALID_CURRENCY', message: 'Currency not supported.' } };
    for (const field of ['payerMessage', 'payeeNote'] as const) {
      if (typeof body[field] !== 'string' || (body[field] as string).length > 160) return bad(`${field}: expected at most 160 characters`);
    }
    if (this.refunds.has(referenceId)) {
      return { status: 409, body: { code: 'RESOURCE_ALREADY_EXIST', message: 'Duplicated reference id. Creation of resource failed.' } };
    }
    const original = this.requests.get(String(body.referenceIdToRefund));
    if (original?.status !== 'SUCCESSFUL')
      return { status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: 'Requested resource was not found.' } };
    const given = [...this.refunds.values()]
      .filter((r) => r.referenceIdToRefund === original.referenceId && r.status !== 'FAILED')
      .reduce((sum, r) => sum + Number(r.amount), 0);
    if (Number(body.amount) + given > Number(original.amount)) return bad('amount: more than is left of the payment');
    const status = this.refundOutcome;
    this.refunds.set(referenceId, {
      referenceId,
      amount: body.amount,
      currency: body.currency,
      externalId: String(body.externalId ?? ''),
      referenceIdToRefund: original.referenceId,
      status: 'PENDING',
    });
    if (status !== 'PENDING') this.settleRefund(referenceId, status);
    return { status: 202 };
  }

  private requestToPay(request: Received): { status: number; body?: unknown } {
    const referenceId = request.headers['x-reference-id'] ?? '';
    if (!uuidV4.test(referenceId)) return bad('X-Reference-Id: expected a UUID version 4');
    const callbackUrl = request.headers['x-callback-url'] ?? null;
    if (callbackUrl !== null && !/^https?:\/\//.test(callbackUrl)) return bad('X-Callback-Url: expected an http(s) URL');
    const body = request.body as Partial<FakeRequestToPay> | null;
    if (typeof body?.amount !== 'string' || !/^\d+(\.\d+)?$/.test(body.amount)) return bad('amount: expected a decimal string');
    if (body.currency !== this.currency) return { status: 500, body: { code: 'INVALID_CURRENCY', message: 'Currency not supported.' } };
    if (typeof body.externalId !== 'string') return bad('externalId: expected a string');
    if (body.payer?.partyIdType !== 'MSISDN' || !/^\d{8,15}$/.test(String(body.payer.partyId))) return bad('payer: expected an MSISDN');
    for (const field of ['payerMessage', 'payeeNote'] as const) {
      if (typeof body[field] !== 'string' || (body[field] as string).length > 160) return bad(`${field}: expected at most 160 characters`);
    }
    if (this.requests.has(referenceId)) {
      return { status: 409, body: { code: 'RESOURCE_ALREADY_EXIST', message: 'Duplicated reference id. Creation of resource failed.' } };
    }
    const made: FakeRequestToPay = {
      referenceId,
      amount: body.amount,
      currency: body.currency,
      externalId: body.externalId,
      payer: { partyIdType: 'MSISDN', partyId: String(body.payer.partyId) },
      payerMessage: body.payerMessage as string,
      payeeNote: body.payeeNote as string,
      status: 'PENDING',
      callbackUrl,
    };
    this.requests.set(referenceId, made);
    if (this.options.autoSettleMs !== undefined) {
      const outcome = sandboxOutcomes[made.payer.partyId] ?? { status: 'SUCCESSFUL' };
      if (outcome.status !== 'PENDING') {
        setTimeout(() => void this.settle(referenceId, outcome.status, { reason: outcome.reason }), this.options.autoSettleMs).unref();
      }
    }
    return { status: 202 };
  }
}

const bad = (message: string) => ({ status: 400, body: { code: 'INVALID_PARAMETER', message } });

function refundResultOf(refund: FakeRefund) {
  return {
    amount: refund.amount,
    currency: refund.currency,
    ...(refund.financialTransactionId ? { financialTransactionId: refund.financialTransactionId } : {}),
    externalId: refund.externalId,
    status: refund.status,
    ...(refund.reason && refund.status === 'FAILED' ? { reason: refund.reason } : {}),
  };
}

function resultOf(request: FakeRequestToPay) {
  return {
    amount: request.amount,
    currency: request.currency,
    ...(request.financialTransactionId ? { financialTransactionId: request.financialTransactionId } : {}),
    externalId: request.externalId,
    payer: request.payer,
    payerMessage: request.payerMessage,
    payeeNote: request.payeeNote,
    status: request.status,
    ...(request.reason && request.status === 'FAILED' ? { reason: request.reason } : {}),
  };
}
