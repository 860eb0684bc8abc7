import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { StripeSettings } from '../../billing/payments/stripe.js';
import { FakeProvider, type Received } from './fake-http.js';
import { formFields } from './stripe-form.js';

/**
 * A local stand-in for Stripe's REST API as the official `stripe` SDK speaks it, written from Stripe's API
 * reference (docs.stripe.com/api): form-encoded bodies, `Authorization: Bearer <secret key>`, the
 * `Idempotency-Key` header (the same key and request replays the first answer; the same key with another request
 * is a 400 idempotency_error), customers, setup intents, payment methods (attach, detach, a customer's list),
 * payment intents (create, confirm, capture with `amount_to_capture`, cancel; `capture_method=manual` holds),
 * refunds, errors as `{ error: { type, code, message, decline_code, payment_intent } }` (402 for card errors),
 * Stripe's test payment methods (pm_card_visa, pm_card_chargeDeclined, pm_card_authenticationRequired, ...), and
 * webhook events signed as Stripe signs them (`Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of
 * "t.payload">`). For tests and the demo only: never a payment method of evcms.
 */

type Json = Record<string, unknown>;
type Behaviour = 'ok' | 'declined' | 'insufficient_funds' | 'authentication';

/** Stripe's test payment methods (docs.stripe.com/testing), as the brand, last four digits and what they do. */
const testCards: Record<string, { brand: string; last4: string; behaviour: Behaviour }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', behaviour: 'ok' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', behaviour: 'ok' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', behaviour: 'declined' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', behaviour: 'insufficient_funds' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', behaviour: 'authentication' },
};

interface FakeMethod {
  object: Json;
  behaviour: Behaviour;
}

class StripeFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message));
  }
}

const failure = (status: number, type: string, message: string, extra: Json = {}) => new StripeFailure(status, { type, message, ...extra });
const missing = (kind: string, id: string) =>
  failure(404, 'invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' });

export class FakeStripe extends FakeProvider {
  readonly secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  readonly customers = new Map<string, Json>();
  readonly methods = new Map<string, FakeMethod>();
  readonly setupIntents = new Map<string, Json>();
  readonly intents = new Map<string, Json>();
  readonly refunds = new Map<string, Json>();
  /** Where events are POSTed (the endpoint registered in the dashboard); null: none sent. */
  webhookUrl: string | null = null;
  /** Events sent, with the status our server answered (null: unreachable). */
  readonly deliveries: Array<{ event: Json; answered: number | null }> = [];
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private readonly sending = new Set<Promise<void>>();
  private counter = 0;

  static start(): Promise<FakeStripe> {
    return new FakeStripe().listen();
  }

  /** The settings that reach this fake (what STRIPE_* would say). */
  settings(overrides: Partial<StripeSettings> = {}): StripeSettings {
    return { secretKey: this.secretKey, webhookSecret: this.webhookSecret, apiUrl: this.url, timeoutMs: 2000, ...overrides };
  }

  env(): Record<string, string> {
    return { STRIPE_SECRET_KEY: this.secretKey, STRIPE_WEBHOOK_SECRET: this.webhookSecret, STRIPE_API_URL: this.url };
  }

  /** What the app does with a SetupIntent's client secret (Stripe.js confirmCardSetup): saves `card` on the customer. */
  async confirmSetup(setupIntentId: string, card = 'pm_card_visa'): Promise<string> {
    const intent = this.setupIntents.get(setupIntentId);
    if (!intent) throw new Error(`no setup intent ${setupIntentId}`);
    const method = this.attach(this.paymentMethod(card), String(intent.customer));
    Object.assign(intent, { status: 'succeeded', payment_method: method.object.id });
    await this.send('setup_intent.succeeded', intent);
    return String(method.object.id);
  }

  /** What the app does after 3-D Secure succeeded (Stripe.js handleNextAction): the payment goes through. */
  async authenticate(intentId: string): Promise<void> {
    const intent = this.intent(intentId);
    this.charge(intent, 'ok');
    await this.announce(intent);
  }

  /** Sends an event about `object` now, signed with the webhook secret (or another, to forge one), at `at`. */
  async send(type: string, object: Json, options: { secret?: string; at?: Date } = {}): Promise<void> {
    if (!this.webhookUrl) return;
    const event = {
      id: this.id('evt'),
      object: 'event',
      api_version: '2026-02-25.clover',
      created: Math.floor((options.at ?? new Date()).getTime() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
    };
    await this.deliver(event, options);
  }

  /** POSTs an event (a new one, or one sent before: Stripe redelivers) signed at `at`. */
  async deliver(event: Json, options: { secret?: string; at?: Date } = {}): Promise<number | null> {
    const payload = JSON.stringify(event);
    const signed = signature(payload, options.secret ?? this.webhookSecret, options.at ?? new Date());
    let answered: number | null = null;
    try {
      const response = await fetch(this.webhookUrl as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signed },
        body: payload,
      });
      await response.text();
      answered = response.status;
    } catch {
      answered = null;
    }
    this.deliveries.push({ event, answered });
    return answered;
  }

  /** Every webhook under way has been delivered. */
  async delivered(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  protected handle(request: Received): { status: number; body?: unknown } {
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${this.secretKey}`) {
      const message = 'Invalid API Key provided: sk_test_****';
      return { status: 401, body: { error: { type: 'invalid_request_error', message } } };
    }
    const params = formFields(typeof request.body === 'string' ? request.body : '');
    const key = request.method === 'POST' ? request.headers['idempotency-key'] : undefined;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.path} ${JSON.stringify(params)}`)
      .digest('hex');
    const earlier = key ? this.idempotent.get(key) : undefined;
    if (earlier && earlier.fingerprint !== fingerprint) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with.`;
      return { status: 400, body: { error: { type: 'idempotency_error', message } } };
    }
    if (earlier) return { status: earlier.status, body: earlier.body };
    const answer = this.answer(request.method, request.path, params);
    if (key) this.idempotent.set(key, { fingerprint, ...answer });
    return answer;
  }

  private answer(method: string, path: string, params: Json): { status: number; body: unknown } {
    try {
      return { status: 200, body: this.route(method, path.split('/').filter(Boolean).slice(1), params) };
    } catch (error) {
      if (error instanceof StripeFailure) return { status: error.status, body: { error: error.body } };
      throw error;
    }
  }

  private route(method: string, [resource, id, action, extra]: string[], params: Json): unknown {
    const route = `${method} ${resource}${id ? '/:id' : ''}${action ? `/${action}` : ''}${extra ? '/:extra' : ''}`;
    switch (route) {
      case 'POST customers':
        return this.store(this.customers, {
          id: this.id('cus'),
          object: 'customer',
          email: params.email ?? null,
          metadata: {},
          invoice_settings: { default_payment_method: null },
          ...customer(params),
        });
      case 'GET customers/:id':
        return this.customer(id as string);
      case 'POST customers/:id':
        return Object.assign(this.customer(id as string), customer(params));
      case 'GET customers/:id/payment_methods':
        return this.list([...this.methods.values()].filter((m) => m.object.customer === id).map((m) => m.object));
      case 'POST setup_intents':
        return this.setupIntent(params);
      case 'GET setup_intents/:id':
        return this.setupIntents.get(id as string) ?? throwing(missing('setup_intent', id as string));
      case 'GET payment_methods/:id':
        return this.paymentMethod(id as string).object;
      case 'POST payment_methods/:id/attach':
        return this.attach(this.paymentMethod(id as string), String(params.customer)).object;
      case 'POST payment_methods/:id/detach':
        return Object.assign(this.paymentMethod(id as string).object, { customer: null });
      case 'POST payment_intents':
        return this.createIntent(params);
      case 'GET payment_intents/:id':
        return this.intent(id as string);
      case 'POST payment_intents/:id/confirm':
        return this.confirm(this.intent(id as string), params);
      case 'POST payment_intents/:id/capture':
        return this.capture(this.intent(id as string), params);
      case 'POST payment_intents/:id/cancel':
        return this.cancel(this.intent(id as string));
      case 'POST refunds':
        return this.refund(params);
      default:
        throw failure(404, 'invalid_request_error', `Unrecognized request URL (${method}: /v1/${resource}).`);
    }
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${randomBytes(8).toString('hex')}${this.counter}`;
  }

  private store<T extends Json>(map: Map<string, T>, object: T): T {
    map.set(String(object.id), object);
    return object;
  }

  private list(data: Json[]): Json {
    return { object: 'list', data, has_more: false, url: '/v1/list' };
  }

  private customer(id: string): Json {
    return this.customers.get(id) ?? throwing(missing('customer', id));
  }

  private intent(id: string): Json {
    return this.intents.get(id) ?? throwing(missing('payment_intent', id));
  }

  /** A saved method, or a fresh one made from a test token (pm_card_visa makes a new PaymentMethod each time). */
  private paymentMethod(id: string): FakeMethod {
    const saved = this.methods.get(id);
    if (saved) return saved;
    const card = testCards[id];
    if (!card) throw missing('payment_method', id);
    const object = {
      id: this.id('pm'),
      object: 'payment_method',
      type: 'card',
      customer: null,
      card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: new Date().getFullYear() + 3, country: 'US' },
      created: Math.floor(Date.now() / 1000),
    };
    const made = { object, behaviour: card.behaviour };
    this.methods.set(object.id, made);
    return made;
  }

  private attach(method: FakeMethod, customerId: string): FakeMethod {
    this.customer(customerId);
    method.object.customer = customerId;
    return method;
  }

  private setupIntent(params: Json): Json {
    if (params.customer) this.customer(String(params.customer));
    const id = this.id('seti');
    return this.store(this.setupIntents, {
      id,
      object: 'setup_intent',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      customer: params.customer ?? null,
      usage: params.usage ?? 'off_session',
      payment_method: null,
      payment_method_types: Object.values((params.allowed_payment_method_types as Json) ?? { 0: 'card' }),
      status: 'requires_payment_method',
      metadata: params.metadata ?? {},
    });
  }

  private createIntent(params: Json): Json {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1) {
      throw failure(400, 'invalid_request_error', 'This value must be greater than or equal to 1.', { param: 'amount' });
    }
    if (typeof params.currency !== 'string') throw failure(400, 'invalid_request_error', 'Missing required param: currency.');
    if (params.customer) this.customer(String(params.customer));
    const id = this.id('pi');
    const intent = this.store(this.intents, {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency: params.currency.toLowerCase(),
      customer: params.customer ?? null,
      payment_method: params.payment_method ?? null,
      capture_method: params.capture_method ?? 'automatic_async',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      description: params.description ?? null,
      metadata: params.metadata ?? {},
      status: params.payment_method ? 'requires_confirmation' : 'requires_payment_method',
      next_action: null,
      last_payment_error: null,
      latest_charge: null,
      amount_refunded: 0,
      created: Math.floor(Date.now() / 1000),
    });
    return params.confirm === 'true' ? this.confirm(intent, params) : intent;
  }

  private confirm(intent: Json, params: Json): Json {
    if (params.payment_method) intent.payment_method = params.payment_method;
    if (!['requires_confirmation', 'requires_payment_method', 'requires_action'].includes(String(intent.status))) {
      throw failure(400, 'invalid_request_error', `This PaymentIntent's status is ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    if (!intent.payment_method) throw failure(400, 'invalid_request_error', 'You must provide a payment method.');
    const method = this.paymentMethod(String(intent.payment_method));
    intent.payment_method = method.object.id;
    if (method.behaviour === 'authentication') return this.needsAuthentication(intent, params.off_session === 'true');
    if (method.behaviour !== 'ok') return this.decline(intent, method.behaviour);
    this.charge(intent, 'ok');
    this.later(() => this.announce(intent));
    return intent;
  }

  private charge(intent: Json, _behaviour: 'ok'): void {
    intent.latest_charge = this.id('ch');
    intent.next_action = null;
    intent.last_payment_error = null;
    if (intent.capture_method === 'manual') {
      Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount });
    } else {
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
    }
  }

  private needsAuthentication(intent: Json, offSession: boolean): Json {
    if (!offSession) {
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      this.later(() => this.send('payment_intent.requires_action', intent));
      return intent;
    }
    const error = {
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
      type: 'card_error',
    };
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
    this.later(() => this.send('payment_intent.payment_failed', intent));
    throw failure(402, 'card_error', error.message, { ...error, payment_intent: structuredClone(intent) });
  }

  private decline(intent: Json, behaviour: Behaviour): never {
    const declineCode = behaviour === 'insufficient_funds' ? 'insufficient_funds' : 'generic_decline';
    const error = { code: 'card_declined', decline_code: declineCode, message: 'Your card was declined.', type: 'card_error' };
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
    this.later(() => this.send('payment_intent.payment_failed', intent));
    throw failure(402, 'card_error', error.message, { ...error, charge: this.id('ch'), payment_intent: structuredClone(intent) });
  }

  private capture(intent: Json, params: Json): Json {
    if (intent.status !== 'requires_capture') {
      throw failure(400, 'invalid_request_error', `This PaymentIntent could not be captured because it has a status of ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    const amount = params.amount_to_capture === undefined ? Number(intent.amount_capturable) : Number(params.amount_to_capture);
    if (!Number.isSafeInteger(amount) || amount < 0 || amount > Number(intent.amount_capturable)) {
      throw failure(400, 'invalid_request_error', 'The amount_to_capture must be at most the amount capturable.', {
        code: 'amount_too_large',
        param: 'amount_to_capture',
      });
    }
    Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    this.later(() => this.announce(intent));
    return intent;
  }

  private cancel(intent: Json): Json {
    if (['succeeded', 'canceled'].includes(String(intent.status))) {
      throw failure(400, 'invalid_request_error', `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    Object.assign(intent, { status: 'canceled', amount_capturable: 0, cancellation_reason: 'requested_by_customer' });
    this.later(() => this.send('payment_intent.canceled', intent));
    return intent;
  }

  private refund(params: Json): Json {
    const intent = this.intent(String(params.payment_intent));
    if (intent.status !== 'succeeded') {
      throw failure(400, 'invalid_request_error', `This PaymentIntent does not have a successful charge to refund.`, {
        code: 'charge_not_refundable',
      });
    }
    const left = Number(intent.amount_received) - Number(intent.amount_refunded);
    const amount = params.amount === undefined ? left : Number(params.amount);
    if (left <= 0) throw failure(400, 'invalid_request_error', 'Charge has already been refunded.', { code: 'charge_already_refunded' });
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > left) {
      throw failure(400, 'invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, {
        code: 'amount_too_large',
        param: 'amount',
      });
    }
    intent.amount_refunded = Number(intent.amount_refunded) + amount;
    const refund = this.store(this.refunds, {
      id: this.id('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      charge: intent.latest_charge,
      status: 'succeeded',
      metadata: params.metadata ?? {},
    });
    this.later(() => this.send('refund.created', refund));
    return refund;
  }

  /** The event of an intent's new state, as Stripe sends it. */
  private announce(intent: Json): Promise<void> {
    const type = intent.status === 'requires_capture' ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded';
    return this.send(type, intent);
  }

  /** Runs after the answer went out (Stripe sends events asynchronously); `delivered()` waits for them. */
  private later(send: () => Promise<void>): void {
    const sending = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(send).catch(() => undefined);
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }
}

/** The fields of a customer a create or update sets: metadata, the default payment method. */
function customer(params: Json): Json {
  const out: Json = {};
  if (params.metadata) out.metadata = params.metadata;
  const settings = params.invoice_settings as Json | undefined;
  if (settings && 'default_payment_method' in settings) {
    out.invoice_settings = { default_payment_method: settings.default_payment_method || null };
  }
  return out;
}

function throwing(error: Error): never {
  throw error;
}

/** Stripe's signature header: `t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<payload>" keyed with the secret>`. */
export function signature(payload: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}
