import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PaymentAttemptView } from '../../billing/payments/attempts.js';
import type { ProviderName } from '../../billing/payments/provider.js';
import type { EventMap } from '../../events/topics.js';
import type { PaymentTransition } from '../../schema/entities/index.js';

/** How a driver pays (billing/payments/: each provider on only when configured). */
export enum PaymentMethodValue {
  MOMO = 'MOMO',
  AIRTEL = 'AIRTEL',
  WALLET = 'WALLET',
  CARD = 'CARD',
}
registerEnumType(PaymentMethodValue, {
  name: 'PaymentMethod',
  description: 'MOMO: MTN Mobile Money; AIRTEL: Airtel Money; WALLET: the prepaid wallet with the operator; CARD: a saved card (Stripe)',
});

export const providerOf: Record<PaymentMethodValue, ProviderName> = { MOMO: 'momo', AIRTEL: 'airtel', WALLET: 'wallet', CARD: 'stripe' };
const methodOf: Record<string, string> = { momo: 'MOMO', airtel: 'AIRTEL', wallet: 'WALLET', stripe: 'CARD' };

export enum PaymentStateValue {
  pending = 'pending',
  requires_action = 'requires_action',
  authorised = 'authorised',
  captured = 'captured',
  failed = 'failed',
  refunded = 'refunded',
  cancelled = 'cancelled',
}
registerEnumType(PaymentStateValue, {
  name: 'PaymentState',
  description:
    'pending: asked, no final word yet; requires_action: the payer must act; authorised: held; captured: taken, in the books; failed, cancelled: nothing taken; refunded: given back',
});

@ObjectType('PaymentTransition', { description: 'One change of a payment, with when and why', simpleResolvers: true })
export class PaymentTransitionType {
  @Field(() => String, { nullable: true })
  from!: string | null;

  @Field(() => String)
  to!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'What said so: the provider status read (poll, callback), a refusal, the deadline' })
  cause!: string;

  static from(entry: PaymentTransition): PaymentTransitionType {
    return Object.assign(new PaymentTransitionType(), { ...entry, at: new Date(entry.at) });
  }
}

@ObjectType('Payment', { description: 'One attempt to take money: money in minor units, credited only once the provider confirms it' })
export class PaymentType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The operator whose books it goes into' })
  organisationId!: string;

  @Field(() => ID, { nullable: true })
  payerUserId!: string | null;

  @Field(() => String, { nullable: true, description: 'The mobile money number asked to pay' })
  msisdn!: string | null;

  @Field(() => String, { description: 'MOMO, AIRTEL, WALLET (or CARD)' })
  method!: string;

  @Field(() => String, { description: 'wallet_top_up, invoice or session (a card held for an ad hoc session: amountMinor is the hold)' })
  purpose!: string;

  @Field(() => ID, { nullable: true })
  invoiceId!: string | null;

  @Field(() => ID, { nullable: true, description: 'A card hold: the session it pays, once the station started it' })
  sessionId!: string | null;

  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => PaymentStateValue)
  state!: PaymentStateValue;

  @Field(() => String, { nullable: true, description: "The provider's reason (APPROVAL_REJECTED, TF, ...) or why evcms stopped waiting" })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: "The provider's id of the money movement, once made" })
  providerTransactionId!: string | null;

  @Field(() => Int, { description: 'What was taken (a hold captured for less takes less)' })
  capturedMinor!: number;

  @Field(() => Int, { description: 'What was given back of it' })
  refundedMinor!: number;

  @Field(() => [PaymentTransitionType])
  history!: PaymentTransitionType[];

  /** What the payer must still do (requires_action): read by the clientSecret field, for the payer only. */
  action!: Record<string, unknown> | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(attempt: PaymentAttemptView): PaymentType {
    return Object.assign(new PaymentType(), {
      id: attempt.id,
      organisationId: attempt.organisationId,
      payerUserId: attempt.payerUserId,
      msisdn: attempt.payerMsisdn,
      method: methodOf[attempt.provider] ?? attempt.provider,
      purpose: attempt.purpose,
      invoiceId: attempt.invoiceId,
      sessionId: attempt.sessionId,
      amountMinor: attempt.amountMinor,
      currency: attempt.currency,
      state: attempt.state as PaymentStateValue,
      reason: attempt.reason,
      providerTransactionId: attempt.providerTransactionId,
      capturedMinor: attempt.capturedMinor,
      refundedMinor: attempt.refundedMinor,
      action: attempt.action,
      history: attempt.history.map(PaymentTransitionType.from),
      createdAt: attempt.createdAt,
      updatedAt: attempt.updatedAt,
    });
  }
}

@ObjectType('PaymentUpdate', { description: 'A payment was made or changed state', simpleResolvers: true })
export class PaymentUpdate {
  @Field(() => ID)
  paymentId!: string;

  @Field(() => String)
  method!: string;

  @Field(() => String)
  purpose!: string;

  @Field(() => ID, { nullable: true })
  invoiceId!: string | null;

  @Field(() => PaymentStateValue)
  state!: PaymentStateValue;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => Date)
  at!: Date;

  static from(e: EventMap['payment.updated']): PaymentUpdate {
    return Object.assign(new PaymentUpdate(), {
      paymentId: e.paymentId,
      method: methodOf[e.provider] ?? e.provider,
      purpose: e.purpose,
      invoiceId: e.invoiceId,
      state: e.state as PaymentStateValue,
      reason: e.reason,
      amountMinor: e.amountMinor,
      currency: e.currency,
      at: new Date(e.at),
    });
  }
}
