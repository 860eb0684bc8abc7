import type { paymentProviders, paymentPurposes } from '../../schema/entities/payment.js';
import { BillingError } from '../errors.js';
import type { PaymentState } from './states.js';

export type ProviderName = (typeof paymentProviders)[number];
export type PaymentPurpose = (typeof paymentPurposes)[number];

/** An operation a provider cannot do, and why: the interface says so instead of failing at run time. */
export interface Unsupported {
  readonly unsupported: string;
}

export const unsupported = (why: string): Unsupported => ({ unsupported: why });

/** The saved-method operations of a provider that has none, all unsupported for one reason. */
export function noSavedMethods(why: string): Pick<PaymentProvider, 'saveMethod' | 'listMethods' | 'removeMethod' | 'setDefaultMethod'> {
  const no = unsupported(why);
  return { saveMethod: no, listMethods: no, removeMethod: no, setDefaultMethod: no };
}

/** The operation, or a BillingError (BAD_USER_INPUT, field method) naming the provider, the operation and why not. */
export function supported<T>(provider: ProviderName, operation: string, value: T | Unsupported): T {
  if (typeof value === 'object' && value !== null && 'unsupported' in value) {
    throw new BillingError('BAD_USER_INPUT', `${provider} cannot ${operation}: ${(value as Unsupported).unsupported}`, 'method');
  }
  return value as T;
}

/** What evcms asks a provider for: `amountMinor` of `currency`, once (`reference` is the attempt's, reused on a retry). */
export interface PaymentRequest {
  /** The attempt's id: sent as the provider's idempotency key or reference where it takes one. */
  reference: string;
  amountMinor: number;
  currency: string;
  purpose: PaymentPurpose;
  /** Who pays: a mobile money number (international digits), a provider's customer, the driver's wallet. */
  payer: { msisdn?: string | null; userId?: string | null; customerId?: string | null; methodId?: string | null };
  /** The operator whose money it becomes (the wallet provider reads the driver's wallet with it). */
  organisationId: string;
  /** Shown to the payer (MoMo's payerMessage, a card statement). At most 160 characters. */
  description: string;
  /** `manual`: hold the money only (a card's pre-authorisation), to capture later; `automatic`: take it. */
  capture: 'automatic' | 'manual';
  /**
   * Called with the provider's own id of the payment as soon as it has one, before any money can move (a Stripe
   * PaymentIntent before it is confirmed): the attempt keeps it, so its status can always be read back.
   */
  remember?: (providerReference: string) => Promise<void>;
}

/**
 * What a provider says about one payment, in evcms's states. `state` is the provider's word, confirmed by
 * the provider itself (a status read or a verified signature), never a claim of an unverified callback.
 */
export interface ProviderStatus {
  state: PaymentState;
  /** The provider's reason code (PAYER_NOT_FOUND, TF, card_declined, ...), when it gave one. */
  reason?: string | null;
  /** The provider has no such payment (HTTP 404 or its equivalent). */
  notFound?: boolean;
  /** The provider's own id of the money movement (MoMo financialTransactionId, Airtel airtel_money_id). */
  transactionId?: string | null;
  /** What the provider says it took, when it says (checked against the attempt before crediting). */
  amountMinor?: number | null;
  currency?: string | null;
  /** For `requires_action`: what the app needs (a card's client secret). */
  action?: Record<string, unknown> | null;
  /** The provider's own id of the payment, when it chose it (a Stripe PaymentIntent id). */
  providerReference?: string | null;
}

/** A payment method saved at a provider (a card), as the payer sees it: never the card number. */
export interface SavedMethod {
  id: string;
  brand: string;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  isDefault: boolean;
}

/** An HTTP request a provider sent to evcms (a callback or a webhook), as received. */
export interface InboundRequest {
  method: string;
  /** The path under /payments/{provider}/, e.g. `callback/9f1c...`. */
  path: string;
  headers: Record<string, string | undefined>;
  /** The raw body: signatures are over the bytes, not the parsed JSON. */
  body: string;
}

/**
 * What a callback says, once checked: which payment it is about and what it claims. `verified` is true only
 * when the provider signed it (a card webhook); an unsigned claim (mobile money) is a reason to read the
 * status back from the provider, never a state to apply.
 */
export interface CallbackClaim {
  /** The payment's reference at the provider; null: a verified event about no payment (a card saved), nothing to do. */
  reference: string | null;
  claimed: PaymentState | null;
  verified: boolean;
  /** The provider's id of the event, when it has one (logged). */
  event?: string;
}

/**
 * One payment provider, as the rest of evcms sees it. Each adapter speaks exactly one external API; what the
 * API cannot do is `Unsupported` with the reason, so a caller learns it from the type, not from a failure.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  /** Where the money sits once taken: the provider's clearing account, or the driver's wallet itself. */
  readonly fundsFrom: 'provider_clearing' | 'wallet';
  /** The currency this provider's account takes (mobile money accounts have one); null: any. */
  readonly currency: string | null;
  /** A customer at the provider, to save methods on (Stripe); mobile money has none. */
  createPayer: ((payer: { userId: string; email?: string | null }) => Promise<{ customerId: string }>) | Unsupported;
  /** A payment method saved for later charges (a card through a SetupIntent). */
  saveMethod: ((customerId: string) => Promise<{ methodId?: string; action?: Record<string, unknown> }>) | Unsupported;
  /** The methods saved for a customer, the default one marked. */
  listMethods: ((customerId: string) => Promise<SavedMethod[]>) | Unsupported;
  /** Forgets a saved method (NOT_FOUND when it is not the customer's). */
  removeMethod: ((customerId: string, methodId: string) => Promise<void>) | Unsupported;
  /** The method charged when none is named (invoices after a session). */
  setDefaultMethod: ((customerId: string, methodId: string) => Promise<void>) | Unsupported;
  /** Asks for the money: a request-to-pay, a USSD push, a PaymentIntent. Resolves to what the provider says now. */
  authorise(request: PaymentRequest): Promise<ProviderStatus>;
  /** Takes held money (at most what was held). */
  capture: ((reference: string, amountMinor: number) => Promise<ProviderStatus>) | Unsupported;
  /** Releases held money, or withdraws a request the payer has not answered. */
  cancel: ((reference: string) => Promise<ProviderStatus>) | Unsupported;
  /** Gives taken money back, once per `key`. */
  refund: ((reference: string, amountMinor: number, key: string) => Promise<ProviderStatus>) | Unsupported;
  /** The payment as the provider has it now: the only word evcms credits on. */
  status(reference: string): Promise<ProviderStatus>;
  /** Parses and checks an inbound callback; throws BillingError (BAD_USER_INPUT) for one it must refuse. */
  verifyCallback(request: InboundRequest): CallbackClaim;
}
