import { randomBytes } from 'node:crypto';
import type { AirtelSettings } from '../../billing/payments/airtel-client.js';
import { FakeProvider, type Received, sendCallback } from './fake-http.js';

/**
 * A local stand-in for Airtel Money's collections API, written from Airtel's developer documentation
 * (developers.airtel.africa: Authorization, Collection USSD push, Transaction enquiry, Callback): the OAuth2
 * client-credentials token ({ access_token, expires_in as text, token_type }), POST /merchant/v1/payments/ with
 * X-Country, X-Currency and a bearer token (msisdn without the country code, amount a number), GET
 * /standard/v1/payments/{id} (transaction.status TS, TF, TIP, TA, TE), every answer in Airtel's envelope
 * ({ data, status: { code, message, result_code, response_code, success } }), and the callback the application
 * registered in Airtel's portal ({ transaction: { id, message, status_code, airtel_money_id } }). Test code only.
 */

export type AirtelStatus = 'TS' | 'TF' | 'TIP' | 'TA' | 'TE';

export interface FakeAirtelPayment {
  id: string;
  reference: string;
  msisdn: string;
  amount: number;
  currency: string;
  status: AirtelStatus;
  airtelMoneyId?: string;
}

const envelope = (code: string, message: string, success: boolean, response_code: string) => ({
  code,
  message,
  result_code: success ? 'ESB000010' : 'ESB000001',
  response_code,
  success,
});

export class FakeAirtel extends FakeProvider {
  readonly clientId = randomBytes(8).toString('hex');
  readonly clientSecret = randomBytes(16).toString('hex');
  readonly payments = new Map<string, FakeAirtelPayment>();
  readonly callbacks: Array<{ body: unknown; answered: number | null }> = [];
  /** The callback URL registered for the application in Airtel's portal. */
  callbackUrl: string | null = null;

  constructor(
    readonly country = 'RW',
    readonly currency = 'RWF',
  ) {
    super();
  }

  static start(country = 'RW', currency = 'RWF'): Promise<FakeAirtel> {
    return new FakeAirtel(country, currency).listen();
  }

  settings(overrides: Partial<AirtelSettings> = {}): AirtelSettings {
    return {
      baseUrl: this.url,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      country: this.country,
      currency: this.currency,
      timeoutMs: 2000,
      ...overrides,
    };
  }

  env(): Record<string, string> {
    return {
      AIRTEL_BASE_URL: this.url,
      AIRTEL_CLIENT_ID: this.clientId,
      AIRTEL_CLIENT_SECRET: this.clientSecret,
      AIRTEL_COUNTRY: this.country,
      AIRTEL_CURRENCY: this.currency,
    };
  }

  /** The subscriber enters their PIN (TS) or not (TF, TE); Airtel posts the outcome to the registered callback URL. */
  async settle(id: string, status: AirtelStatus, options: { callback?: boolean; claim?: AirtelStatus } = {}): Promise<void> {
    const payment = this.payments.get(id);
    if (!payment) throw new Error(`fake Airtel: no payment ${id}`);
    payment.status = status;
    if (status === 'TS') payment.airtelMoneyId = `MP${Date.now()}.${this.payments.size}`;
    if (this.callbackUrl && options.callback !== false) {
      const body = {
        transaction: {
          id,
          message: status === 'TS' ? `Paid ${payment.currency} ${payment.amount}` : 'Transaction failed',
          status_code: options.claim ?? status,
          airtel_money_id: payment.airtelMoneyId ?? '',
        },
      };
      this.callbacks.push({ body, answered: await sendCallback(this.callbackUrl, 'POST', body) });
    }
  }

  protected handle(request: Received): { status: number; body?: unknown } {
    if (request.method === 'POST' && request.path === '/auth/oauth2/token') return this.token(request);
    if (!this.bearerOk(request.headers.authorization))
      return { status: 401, body: { status: envelope('401', 'Unauthorized', false, 'DP00800001002') } };
    if (request.headers['x-country'] !== this.country || request.headers['x-currency'] !== this.currency) {
      return { status: 400, body: { status: envelope('400', 'X-Country or X-Currency not of this account', false, 'DP00800001003') } };
    }
    if (request.method === 'POST' && request.path === '/merchant/v1/payments/') return this.pay(request);
    const enquiry = /^\/standard\/v1\/payments\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && enquiry) {
      const payment = this.payments.get(decodeURIComponent(enquiry[1] as string));
      if (!payment) return { status: 404, body: { status: envelope('404', 'Transaction not found', false, 'DP00800001010') } };
      return {
        status: 200,
        body: {
          data: {
            transaction: { airtel_money_id: payment.airtelMoneyId ?? '', id: payment.id, message: payment.status, status: payment.status },
          },
          status: envelope('200', 'SUCCESS', true, 'DP00800001001'),
        },
      };
    }
    return { status: 404, body: { status: envelope('404', `no ${request.method} ${request.path}`, false, 'DP00800001000') } };
  }

  private token(request: Received): { status: number; body: unknown } {
    const body = request.body as { client_id?: string; client_secret?: string; grant_type?: string } | null;
    if (body?.grant_type !== 'client_credentials' || body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    return { status: 200, body: { access_token: this.issueToken(), expires_in: '180', token_type: 'bearer' } };
  }

  private pay(request: Received): { status: number; body?: unknown } {
    const body = request.body as {
      reference?: unknown;
      subscriber?: { country?: unknown; currency?: unknown; msisdn?: unknown };
      transaction?: { amount?: unknown; country?: unknown; currency?: unknown; id?: unknown };
    } | null;
    const refuse = (message: string) => ({ status: 400, body: { status: envelope('400', message, false, 'DP00800001005') } });
    if (typeof body?.reference !== 'string') return refuse('reference: expected a string');
    const msisdn = String(body.subscriber?.msisdn ?? '');
    // Airtel wants the number without the country code: nine digits in Rwanda (7xxxxxxxx).
    if (!/^\d{7,10}$/.test(msisdn) || body.subscriber?.country !== this.country)
      return refuse('subscriber.msisdn: expected a number without country code');
    const { amount, id } = body.transaction ?? {};
    if (typeof amount !== 'number' || !(amount > 0)) return refuse('transaction.amount: expected a positive number');
    if (typeof id !== 'string' || !id) return refuse('transaction.id: expected a unique id');
    if (body.transaction?.currency !== this.currency || body.subscriber.currency !== this.currency)
      return refuse('currency: not of this account');
    if (this.payments.has(id))
      return { status: 200, body: { status: envelope('200', 'Duplicate transaction id', false, 'DP00800001009') } };
    this.payments.set(id, { id, reference: body.reference, msisdn, amount, currency: this.currency, status: 'TIP' });
    return {
      status: 200,
      body: { data: { transaction: { id, status: 'Success.' } }, status: envelope('200', 'SUCCESS', true, 'DP00800001006') },
    };
  }
}
