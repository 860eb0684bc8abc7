import Stripe from 'stripe';
import { BillingError } from '../errors.js';
import { ProviderError } from './errors.js';
import type { CallbackClaim, InboundRequest, PaymentProvider, PaymentRequest, ProviderStatus, SavedMethod } from './provider.js';
import { stripeClaim, stripeStatus } from './stripe-status.js';

/** STRIPE_*: the account's secret key, the webhook endpoint's signing secret, and a base URL override (tests, demo). */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Absent: Stripe itself (https://api.stripe.com). */
  apiUrl: string | null;
  /** Per request, before the SDK's own retries (80 s by default in the SDK; 20 s here). */
  timeoutMs?: number;
}

/** How old a webhook's signature may be (Stripe's default tolerance): an older one is a replay and refused. */
export const webhookToleranceSeconds = 300;

/** The official SDK, pointed at STRIPE_API_URL when set; it retries network failures and 5xx with the same idempotency key. */
export function stripeClient(settings: StripeSettings): Stripe {
  const url = settings.apiUrl ? new URL(settings.apiUrl) : null;
  const protocol = url?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: settings.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'evcms' },
    ...(url ? { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol } : {}),
  });
}

/** A Stripe SDK error as evcms's ProviderError: a 4xx is Stripe's refusal (its code), the rest retryable. No key in it. */
export function providerError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const status = error.statusCode;
  const retryable = status === undefined || status >= 500 || status === 429 || error.type === 'StripeConnectionError';
  const code = error.decline_code ?? error.code ?? error.type;
  return new ProviderError('stripe', `${error.type}${code ? ` ${code}` : ''}: ${error.message}`, { status, code, retryable });
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw providerError(error);
  }
}

/** The PaymentIntent a card error carries (Stripe sends it with every declined confirmation), else null. */
function declinedIntent(error: unknown): Stripe.PaymentIntent | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  return (error.payment_intent as Stripe.PaymentIntent | undefined) ?? null;
}

const isIntent = (reference: string) => reference.startsWith('pi_');

/**
 * Cards through Stripe behind the PaymentProvider interface: a customer per driver, cards saved with a SetupIntent
 * (the app confirms it with the client secret), off-session PaymentIntents charged to the saved card, held
 * (`capture_method=manual`) and captured or released, refunds, and webhooks verified by their signature.
 *
 * A PaymentIntent is made first unconfirmed (idempotency key `<attempt>:create`) and its id remembered on the
 * attempt before it is confirmed (`<attempt>:confirm`): so whatever fails in between, the status of money that
 * may have moved can always be read back, and an intent evcms never learnt of was never confirmed (no money).
 */
export function stripeProvider(settings: StripeSettings, stripe = stripeClient(settings)): PaymentProvider {
  const intentStatus = async (id: string): Promise<ProviderStatus> => stripeStatus(await call(() => stripe.paymentIntents.retrieve(id)));
  /** What an action on an intent ended in: its new status, or for a refusal, what the intent says now. */
  const act = async (id: string, action: () => Promise<Stripe.PaymentIntent>): Promise<ProviderStatus> => {
    try {
      return stripeStatus(await action());
    } catch (error) {
      const intent = declinedIntent(error);
      if (intent) return stripeStatus(intent);
      const failure = providerError(error);
      if (failure instanceof ProviderError && !failure.retryable) return intentStatus(id);
      throw failure;
    }
  };

  return {
    name: 'stripe',
    fundsFrom: 'provider_clearing',
    currency: null,

    async createPayer({ userId, email }) {
      const customer = await call(() =>
        stripe.customers.create(
          { ...(email ? { email } : {}), metadata: { evcms_user: userId } },
          { idempotencyKey: `customer:${userId}` },
        ),
      );
      return { customerId: customer.id };
    },

    async saveMethod(customerId) {
      const intent = await call(() =>
        stripe.setupIntents.create({ customer: customerId, usage: 'off_session', allowed_payment_method_types: ['card'] }),
      );
      return { action: { type: 'setup_card', setupIntentId: intent.id, clientSecret: intent.client_secret } };
    },

    async listMethods(customerId): Promise<SavedMethod[]> {
      const [customer, methods] = await Promise.all([
        call(() => stripe.customers.retrieve(customerId)),
        call(() => stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: 100 })),
      ]);
      const preferred = 'deleted' in customer ? null : customer.invoice_settings?.default_payment_method;
      const defaultId = typeof preferred === 'string' ? preferred : (preferred?.id ?? null);
      return methods.data.map((method) => ({
        id: method.id,
        brand: method.card?.brand ?? method.type,
        last4: method.card?.last4 ?? null,
        expMonth: method.card?.exp_month ?? null,
        expYear: method.card?.exp_year ?? null,
        isDefault: method.id === defaultId,
      }));
    },

    async removeMethod(customerId, methodId) {
      const method = await call(() => stripe.paymentMethods.retrieve(methodId));
      if (method.customer !== customerId) throw new BillingError('NOT_FOUND', `payment method ${methodId} not found`);
      await call(() => stripe.paymentMethods.detach(methodId));
    },

    async setDefaultMethod(customerId, methodId) {
      await call(() => stripe.customers.update(customerId, { invoice_settings: { default_payment_method: methodId } }));
    },

    async authorise(request: PaymentRequest): Promise<ProviderStatus> {
      const { customerId, methodId } = request.payer;
      if (!customerId || !methodId) throw new BillingError('BAD_USER_INPUT', 'method: no card saved to charge (addCard first)', 'method');
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.create(
          {
            amount: request.amountMinor,
            currency: request.currency.toLowerCase(),
            customer: customerId,
            payment_method: methodId,
            allowed_payment_method_types: ['card'],
            capture_method: request.capture === 'manual' ? 'manual' : 'automatic',
            description: request.description.slice(0, 160),
            metadata: { evcms_payment: request.reference, purpose: request.purpose, organisation: request.organisationId },
          },
          { idempotencyKey: `${request.reference}:create` },
        );
      } catch (error) {
        const failure = providerError(error);
        // Refused outright (a 4xx): no intent, no money. Else not known: the status (none remembered) decides.
        if (failure instanceof ProviderError && !failure.retryable) return { state: 'failed', reason: failure.providerCode ?? 'REFUSED' };
        throw failure;
      }
      await request.remember?.(intent.id);
      return act(intent.id, () =>
        stripe.paymentIntents.confirm(intent.id, { off_session: true }, { idempotencyKey: `${request.reference}:confirm` }),
      );
    },

    capture: (reference, amountMinor) =>
      act(reference, () =>
        stripe.paymentIntents.capture(reference, { amount_to_capture: amountMinor }, { idempotencyKey: `${reference}:capture` }),
      ),

    cancel: (reference) => act(reference, () => stripe.paymentIntents.cancel(reference, {}, { idempotencyKey: `${reference}:cancel` })),

    async refund(reference, amountMinor, key): Promise<ProviderStatus> {
      const refund = await call(() => stripe.refunds.create({ payment_intent: reference, amount: amountMinor }, { idempotencyKey: key }));
      if (refund.status === 'failed' || refund.status === 'canceled')
        return { state: 'captured', reason: refund.failure_reason ?? 'REFUND_FAILED' };
      return { state: 'refunded', amountMinor: refund.amount, currency: refund.currency.toUpperCase(), transactionId: refund.id };
    },

    /** An attempt whose intent evcms never learnt of has none confirmed: Stripe has no money of it. */
    async status(reference: string): Promise<ProviderStatus> {
      if (!isIntent(reference)) return { state: 'pending', notFound: true, reason: 'NOT_FOUND' };
      try {
        return await intentStatus(reference);
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) return { state: 'pending', notFound: true, reason: 'NOT_FOUND' };
        throw error;
      }
    },

    verifyCallback(request: InboundRequest): CallbackClaim {
      if (request.path !== 'webhook')
        throw new BillingError('BAD_USER_INPUT', 'path: Stripe events go to /payments/stripe/webhook', 'path');
      if (request.method !== 'POST') throw new BillingError('BAD_USER_INPUT', 'method: Stripe POSTs its events', 'method');
      const header = request.headers['stripe-signature'];
      if (!header) throw new BillingError('BAD_USER_INPUT', 'stripe-signature: missing', 'stripe-signature');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(request.body, header, settings.webhookSecret, webhookToleranceSeconds);
      } catch (error) {
        throw new BillingError('BAD_USER_INPUT', `stripe-signature: ${(error as Error).message}`, 'stripe-signature');
      }
      return stripeClaim(event);
    },
  };
}
