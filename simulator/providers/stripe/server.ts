import { createHash, randomBytes } from 'node:crypto';
import type { StripeSettings } from '../../../billing/payments/stripe.js';
import { FakeProvider, type Received } from '../fake-http.js';
import { StripeEvents } from './events.js';
import { formFields } from './form.js';
import { PaymentIntents } from './intents.js';
import { failure, type Json, missing, StripeFailure, StripeObjects, throwing } from './objects.js';

export { signature } from './events.js';

/**
 * A local stand-in for Stripe's REST API as the official `stripe` SDK speaks it, written from Stripe's API
 * reference (docs.stripe.com/api): form-encoded bodies, `Authorization: Bearer <secret key>`, the
 * `Idempotency-Key` header (the same key and request replays the first answer; the same key with another request
 * is a 400 idempotency_error), customers, setup intents, payment methods (attach, detach, a customer's list),
 * payment intents (create, confirm, capture with `amount_to_capture`, cancel; `capture_method=manual` holds),
 * refunds, errors as `{ error: { type, code, message, decline_code, payment_intent } }` (402 for card errors),
 * Stripe's test payment methods (pm_card_visa, pm_card_chargeDeclined, pm_card_authenticationRequired, ...), and
 * webhook events signed as Stripe signs them (`Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of
 * "t.payload">`). Here the HTTP part (authentication, idempotency, routes); the account's objects are in
 * objects.ts, the payment intents in intents.ts, the events in events.ts. For tests and the demo only: never a
 * payment method of evcms.
 */
export class FakeStripe extends FakeProvider {
  readonly secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  private readonly objects = new StripeObjects();
  private readonly events = new StripeEvents(this.webhookSecret);
  private readonly payments = new PaymentIntents(this.objects, this.events);
  readonly customers = this.objects.customers;
  readonly methods = this.objects.methods;
  readonly setupIntents = this.objects.setupIntents;
  readonly intents = this.objects.intents;
  readonly refunds = this.objects.refunds;
  /** Events sent, with the status our server answered (null: unreachable). */
  readonly deliveries = this.events.deliveries;
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();

  static start(): Promise<FakeStripe> {
    return new FakeStripe().listen();
  }

  /** Where events are POSTed (the endpoint registered in the dashboard); null: none sent. */
  get webhookUrl(): string | null {
    return this.events.url;
  }

  set webhookUrl(url: string | null) {
    this.events.url = url;
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
    const method = this.objects.attach(this.objects.paymentMethod(card), String(intent.customer));
    Object.assign(intent, { status: 'succeeded', payment_method: method.object.id });
    await this.send('setup_intent.succeeded', intent);
    return String(method.object.id);
  }

  /** What the app does after 3-D Secure succeeded (Stripe.js handleNextAction): the payment goes through. */
  async authenticate(intentId: string): Promise<void> {
    const intent = this.objects.intent(intentId);
    this.payments.charge(intent);
    await this.events.announce(intent);
  }

  /** Sends an event about `object` now, signed with the webhook secret (or another, to forge one), at `at`. */
  send(type: string, object: Json, options: { secret?: string; at?: Date } = {}): Promise<void> {
    return this.events.send(type, object, options);
  }

  /** POSTs an event (a new one, or one sent before: Stripe redelivers) signed at `at`. */
  deliver(event: Json, options: { secret?: string; at?: Date } = {}): Promise<number | null> {
    return this.events.deliver(event, options);
  }

  /** Every webhook under way has been delivered. */
  delivered(): Promise<void> {
    return this.events.delivered();
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
    const { objects, payments } = this;
    const named = id as string;
    switch (route) {
      case 'POST customers':
        return objects.createCustomer(params);
      case 'GET customers/:id':
        return objects.customer(named);
      case 'POST customers/:id':
        return objects.updateCustomer(named, params);
      case 'GET customers/:id/payment_methods':
        return objects.list([...this.methods.values()].filter((m) => m.object.customer === id).map((m) => m.object));
      case 'POST setup_intents':
        return objects.setupIntent(params);
      case 'GET setup_intents/:id':
        return this.setupIntents.get(named) ?? throwing(missing('setup_intent', named));
      case 'GET payment_methods/:id':
        return objects.paymentMethod(named).object;
      case 'POST payment_methods/:id/attach':
        return objects.attach(objects.paymentMethod(named), String(params.customer)).object;
      case 'POST payment_methods/:id/detach':
        return Object.assign(objects.paymentMethod(named).object, { customer: null });
      case 'POST payment_intents':
        return payments.createIntent(params);
      case 'GET payment_intents/:id':
        return objects.intent(named);
      case 'POST payment_intents/:id/confirm':
        return payments.confirm(objects.intent(named), params);
      case 'POST payment_intents/:id/capture':
        return payments.capture(objects.intent(named), params);
      case 'POST payment_intents/:id/cancel':
        return payments.cancel(objects.intent(named));
      case 'POST refunds':
        return payments.refund(params);
      default:
        throw failure(404, 'invalid_request_error', `Unrecognized request URL (${method}: /v1/${resource}).`);
    }
  }
}
