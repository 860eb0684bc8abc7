import type Stripe from 'stripe';
import type { CallbackClaim, ProviderStatus } from './provider.js';

/** The reason of an intent's last failure: the decline code when there is one (insufficient_funds), else the code. */
function failureReason(intent: Stripe.PaymentIntent): string | null {
  const error = intent.last_payment_error;
  return error ? (error.decline_code ?? error.code ?? error.type) : null;
}

/** What the app needs to let the payer act on an intent (3-D Secure): Stripe.js takes the client secret. */
function actionOf(intent: Stripe.PaymentIntent): Record<string, unknown> {
  return { type: 'authenticate', paymentIntentId: intent.id, clientSecret: intent.client_secret };
}

/**
 * A PaymentIntent in evcms's words. `requires_capture` is money held (authorised); `succeeded` taken (captured, the
 * amount received); `canceled` released. An off-session confirmation that needed the cardholder fails with
 * `authentication_required`: the payer can still authenticate on the app, so that is `requires_action`; any other
 * failure of the attempt's confirmation is final for it (a new payment makes a new intent).
 */
export function stripeStatus(intent: Stripe.PaymentIntent): ProviderStatus {
  const base = { providerReference: intent.id, currency: intent.currency.toUpperCase() };
  switch (intent.status) {
    case 'succeeded':
      return { ...base, state: 'captured', amountMinor: intent.amount_received, transactionId: chargeOf(intent) };
    case 'requires_capture':
      return { ...base, state: 'authorised', amountMinor: intent.amount_capturable, transactionId: chargeOf(intent) };
    case 'canceled':
      return { ...base, state: 'cancelled', reason: intent.cancellation_reason ?? null };
    case 'requires_action':
      return { ...base, state: 'requires_action', reason: 'authentication_required', action: actionOf(intent) };
    case 'requires_payment_method': {
      const reason = failureReason(intent);
      if (reason === 'authentication_required') return { ...base, state: 'requires_action', reason, action: actionOf(intent) };
      return reason ? { ...base, state: 'failed', reason } : { ...base, state: 'pending' };
    }
    default:
      return { ...base, state: 'pending', reason: intent.status };
  }
}

function chargeOf(intent: Stripe.PaymentIntent): string | null {
  const charge = intent.latest_charge;
  return typeof charge === 'string' ? charge : (charge?.id ?? null);
}

/**
 * What a verified event is about: the PaymentIntent of payment_intent.* and refund events; null for others (a
 * saved card's setup_intent.succeeded, ...), which change no payment. The claim is only a prompt: evcms reads the
 * intent back from Stripe and applies what it says.
 */
export function stripeClaim(event: Stripe.Event): CallbackClaim {
  const object = event.data.object as { object?: string; id?: string; payment_intent?: string | { id: string } | null };
  if (object.object === 'payment_intent' && object.id) {
    return { reference: object.id, claimed: stripeStatus(object as Stripe.PaymentIntent).state, verified: true, event: event.id };
  }
  const intent = typeof object.payment_intent === 'string' ? object.payment_intent : (object.payment_intent?.id ?? null);
  if ((object.object === 'refund' || object.object === 'charge') && intent) {
    return { reference: intent, claimed: null, verified: true, event: event.id };
  }
  return { reference: null, claimed: null, verified: true, event: event.id };
}
