import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Invoice } from './billing.js';
import { ChargingSession } from './charging-session.js';
import { Organisation } from './organisation.js';
import { User } from './user.js';

/** Who takes the money: mobile money (MTN MoMo, Airtel Money), a card (Stripe), or the driver's own wallet. */
export const paymentProviders = ['momo', 'airtel', 'stripe', 'wallet'] as const;
/** What the money is for. */
export const paymentPurposes = ['wallet_top_up', 'invoice', 'session'] as const;
/** The states of an attempt; the allowed moves between them are billing/payments/states.ts. */
export const paymentStates = ['pending', 'requires_action', 'authorised', 'captured', 'failed', 'refunded', 'cancelled'] as const;

/** The remote start a card hold (purpose `session`) was made for: where, for which credential, asked when. */
export interface HeldStart {
  stationId: string;
  identity: string;
  connectorId: number | null;
  idTag: string;
}

/** One move of an attempt's state, with when and why (a poll, a callback read back, the provider's refusal, ...). */
export interface PaymentTransition {
  from: string | null;
  to: string;
  at: string;
  cause: string;
}

/**
 * One attempt to take money through a provider, for one purpose, once per idempotency key. Its id is the
 * reference sent to the provider where the provider lets the caller choose it (MoMo's X-Reference-Id, Airtel's
 * transaction id). Money reaches the ledger only when the provider confirms it, in the transaction that moves
 * the attempt to `captured`.
 */
export const PaymentAttemptSchema = defineEntity({
  name: 'PaymentAttempt',
  uniques: [{ properties: ['provider', 'providerReference'] }],
  indexes: [
    { properties: ['organisation', 'createdAt'] },
    { properties: ['payerUser', 'createdAt'] },
    // The attempts still waiting for their provider: what the poll sweep reads.
    {
      name: 'payment_attempt_open_index',
      expression: `create index "payment_attempt_open_index" on "payment_attempt" ("deadline_at") where "state" in ('pending', 'requires_action', 'authorised')`,
    },
    // One payment of an invoice under way at a time.
    {
      name: 'payment_attempt_invoice_open_unique',
      expression: `create unique index "payment_attempt_invoice_open_unique" on "payment_attempt" ("invoice_id") where "state" in ('pending', 'requires_action', 'authorised')`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** The operator whose books the money goes into. */
    organisation: () => p.manyToOne(Organisation),
    payerUser: () => p.manyToOne(User).nullable(),
    /** The mobile money number asked to pay (international digits), when the provider is mobile money. */
    payerMsisdn: p.string().length(32).nullable(),
    provider: p.enum(paymentProviders),
    /** The provider's name for this payment (MoMo: the X-Reference-Id; Stripe: the PaymentIntent id). */
    providerReference: p.string().nullable(),
    /** The provider's id of the money movement once done (MoMo financialTransactionId, Airtel airtel_money_id). */
    providerTransactionId: p.string().nullable(),
    idempotencyKey: p.string().unique(),
    purpose: p.enum(paymentPurposes),
    invoice: () => p.manyToOne(Invoice).nullable(),
    /** For a card hold (purpose `session`): the session it pays, once the station started it. */
    session: () => p.manyToOne(ChargingSession).nullable().index(),
    /** For a card hold: the remote start it was made for (billing/payments/card-holds/). */
    heldStart: p.json<HeldStart | null>().nullable(),
    amountMinor: p.bigint('number').check('amount_minor > 0'),
    currency: p.character().length(3),
    state: p.enum(paymentStates),
    /** The provider's last reason (PAYER_NOT_FOUND, TF, card_declined, ...), or why evcms stopped waiting. */
    reason: p.string().nullable(),
    /** What the payer must still do, for `requires_action` (a card's 3-D Secure client secret). */
    action: p.json<Record<string, unknown> | null>().nullable(),
    capturedMinor: p.bigint('number').default(0),
    refundedMinor: p.bigint('number').default(0),
    history: p.json<PaymentTransition[]>().default('[]'),
    /** Until when evcms asks the provider for a final status. */
    deadlineAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class PaymentAttempt extends PaymentAttemptSchema.class {}
PaymentAttemptSchema.setClass(PaymentAttempt);

/**
 * A driver's customer at a provider that keeps customers (a Stripe customer): made once per driver and provider,
 * the saved cards live at the provider under it (evcms keeps no card data).
 */
export const PaymentCustomerSchema = defineEntity({
  name: 'PaymentCustomer',
  uniques: [{ properties: ['user', 'provider'] }, { properties: ['provider', 'customerId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    provider: p.enum(paymentProviders),
    /** The provider's id of the customer (Stripe: cus_...). */
    customerId: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class PaymentCustomer extends PaymentCustomerSchema.class {}
PaymentCustomerSchema.setClass(PaymentCustomer);
