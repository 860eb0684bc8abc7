import { randomBytes } from 'node:crypto';
import { type Behaviour, failure, type Json, type StripeObjects } from './objects.js';
import type { StripeEvents } from './events.js';

/**
 * Payment intents and refunds as Stripe runs them: made (confirmed at once or later), confirmed with the saved card
 * (declined, needing 3-D Secure, held with capture_method=manual or taken), captured with `amount_to_capture` at most
 * what is capturable, cancelled, refunded at most what is left; each change announced as Stripe's event.
 */
export class PaymentIntents {
  constructor(
    private readonly objects: StripeObjects,
    private readonly events: StripeEvents,
  ) {}

  createIntent(params: Json): Json {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1) {
      throw failure(400, 'invalid_request_error', 'This value must be greater than or equal to 1.', { param: 'amount' });
    }
    if (typeof params.currency !== 'string') throw failure(400, 'invalid_request_error', 'Missing required param: currency.');
    if (params.customer) this.objects.customer(String(params.customer));
    const id = this.objects.id('pi');
    const intent = this.objects.store(this.objects.intents, {
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

  confirm(intent: Json, params: Json): Json {
    if (params.payment_method) intent.payment_method = params.payment_method;
    if (!['requires_confirmation', 'requires_payment_method', 'requires_action'].includes(String(intent.status))) {
      throw failure(400, 'invalid_request_error', `This PaymentIntent's status is ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    if (!intent.payment_method) throw failure(400, 'invalid_request_error', 'You must provide a payment method.');
    const method = this.objects.paymentMethod(String(intent.payment_method));
    intent.payment_method = method.object.id;
    if (method.behaviour === 'authentication') return this.needsAuthentication(intent, params.off_session === 'true');
    if (method.behaviour !== 'ok') return this.decline(intent, method.behaviour);
    this.charge(intent);
    this.events.later(() => this.events.announce(intent));
    return intent;
  }

  /** The card accepted: the money held (capture_method=manual) or taken. */
  charge(intent: Json): void {
    intent.latest_charge = this.objects.id('ch');
    intent.next_action = null;
    intent.last_payment_error = null;
    if (intent.capture_method === 'manual') {
      Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount });
    } else {
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
    }
  }

  needsAuthentication(intent: Json, offSession: boolean): Json {
    if (!offSession) {
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      this.events.later(() => this.events.send('payment_intent.requires_action', intent));
      return intent;
    }
    const error = {
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
      type: 'card_error',
    };
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
    this.events.later(() => this.events.send('payment_intent.payment_failed', intent));
    throw failure(402, 'card_error', error.message, { ...error, payment_intent: structuredClone(intent) });
  }

  decline(intent: Json, behaviour: Behaviour): never {
    const declineCode = behaviour === 'insufficient_funds' ? 'insufficient_funds' : 'generic_decline';
    const error = { code: 'card_declined', decline_code: declineCode, message: 'Your card was declined.', type: 'card_error' };
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
    this.events.later(() => this.events.send('payment_intent.payment_failed', intent));
    throw failure(402, 'card_error', error.message, { ...error, charge: this.objects.id('ch'), payment_intent: structuredClone(intent) });
  }

  capture(intent: Json, params: Json): Json {
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
    this.events.later(() => this.events.announce(intent));
    return intent;
  }

  cancel(intent: Json): Json {
    if (['succeeded', 'canceled'].includes(String(intent.status))) {
      throw failure(400, 'invalid_request_error', `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    Object.assign(intent, { status: 'canceled', amount_capturable: 0, cancellation_reason: 'requested_by_customer' });
    this.events.later(() => this.events.send('payment_intent.canceled', intent));
    return intent;
  }

  refund(params: Json): Json {
    const intent = this.objects.intent(String(params.payment_intent));
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
    const refund = this.objects.store(this.objects.refunds, {
      id: this.objects.id('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      charge: intent.latest_charge,
      status: 'succeeded',
      metadata: params.metadata ?? {},
    });
    this.events.later(() => this.events.send('refund.created', refund));
    return refund;
  }
}
