import { randomBytes } from 'node:crypto';

export type Json = Record<string, unknown>;
export type Behaviour = 'ok' | 'declined' | 'insufficient_funds' | 'authentication';

/** Stripe's test payment methods (docs.stripe.com/testing), as the brand, last four digits and what they do. */
const testCards: Record<string, { brand: string; last4: string; behaviour: Behaviour }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', behaviour: 'ok' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', behaviour: 'ok' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', behaviour: 'declined' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', behaviour: 'insufficient_funds' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', behaviour: 'authentication' },
};

export interface FakeMethod {
  object: Json;
  behaviour: Behaviour;
}

/** An error as Stripe answers it: `{ error: { type, code, message, ... } }` with its HTTP status. */
export class StripeFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message));
  }
}

export const failure = (status: number, type: string, message: string, extra: Json = {}) =>
  new StripeFailure(status, { type, message, ...extra });
export const missing = (kind: string, id: string) =>
  failure(404, 'invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' });

export function throwing(error: Error): never {
  throw error;
}

/**
 * The objects a Stripe account holds, as the fake keeps them: customers, payment methods (made from Stripe's test
 * tokens), setup intents, payment intents and refunds, with Stripe's id prefixes (cus_, pm_, seti_, pi_, re_).
 */
export class StripeObjects {
  readonly customers = new Map<string, Json>();
  readonly methods = new Map<string, FakeMethod>();
  readonly setupIntents = new Map<string, Json>();
  readonly intents = new Map<string, Json>();
  readonly refunds = new Map<string, Json>();
  private counter = 0;

  id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${randomBytes(8).toString('hex')}${this.counter}`;
  }

  store<T extends Json>(map: Map<string, T>, object: T): T {
    map.set(String(object.id), object);
    return object;
  }

  list(data: Json[]): Json {
    return { object: 'list', data, has_more: false, url: '/v1/list' };
  }

  createCustomer(params: Json): Json {
    return this.store(this.customers, {
      id: this.id('cus'),
      object: 'customer',
      email: params.email ?? null,
      metadata: {},
      invoice_settings: { default_payment_method: null },
      ...customerFields(params),
    });
  }

  updateCustomer(id: string, params: Json): Json {
    return Object.assign(this.customer(id), customerFields(params));
  }

  customer(id: string): Json {
    return this.customers.get(id) ?? throwing(missing('customer', id));
  }

  intent(id: string): Json {
    return this.intents.get(id) ?? throwing(missing('payment_intent', id));
  }

  /** A saved method, or a fresh one made from a test token (pm_card_visa makes a new PaymentMethod each time). */
  paymentMethod(id: string): FakeMethod {
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

  attach(method: FakeMethod, customerId: string): FakeMethod {
    this.customer(customerId);
    method.object.customer = customerId;
    return method;
  }

  setupIntent(params: Json): Json {
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
}

/** The fields of a customer a create or update sets: metadata, the default payment method. */
function customerFields(params: Json): Json {
  const out: Json = {};
  if (params.metadata) out.metadata = params.metadata;
  const settings = params.invoice_settings as Json | undefined;
  if (settings && 'default_payment_method' in settings) {
    out.invoice_settings = { default_payment_method: settings.default_payment_method || null };
  }
  return out;
}
