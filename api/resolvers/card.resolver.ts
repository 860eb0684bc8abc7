import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type Principal, seesOrganisation } from '../../auth/principal.js';
import type { PaymentProvider } from '../../billing/payments/provider.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { CardSetupType, SavedPaymentMethodType } from '../types/card.type.js';
import { PaymentType } from '../types/payment.type.js';

const card = (context: ApiContext): PaymentProvider => context.deps.payments.provider('stripe');
const me = (context: ApiContext) => (context.principal as Principal).id;

function checkMethodId(id: string): void {
  if (!/^pm_\w{1,200}$/.test(id)) throw notFound(`payment method ${id}`);
}

/** A driver's saved cards (Stripe), and operators' refunds of payments. */
@Resolver(() => PaymentType)
export class CardResolver {
  @Authorized('DRIVER')
  @Query(() => [SavedPaymentMethodType], { description: 'Your saved cards, the default one marked' })
  async paymentMethods(@Ctx() context: ApiContext): Promise<SavedPaymentMethodType[]> {
    return (await context.deps.payments.cards.list(card(context), me(context))).map(SavedPaymentMethodType.from);
  }

  @Authorized('DRIVER')
  @Mutation(() => CardSetupType, {
    description:
      "Starts saving a card: confirm the returned SetupIntent's client secret in the app (Stripe.js); it is then in paymentMethods",
  })
  async addCard(@Ctx() context: ApiContext): Promise<CardSetupType> {
    return Object.assign(new CardSetupType(), await context.deps.payments.cards.add(card(context), me(context)));
  }

  @Authorized('DRIVER')
  @Mutation(() => Boolean, { description: 'Forgets one of your saved cards' })
  async removePaymentMethod(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    checkMethodId(id);
    await context.deps.payments.cards.remove(card(context), me(context), id);
    return true;
  }

  @Authorized('DRIVER')
  @Mutation(() => [SavedPaymentMethodType], {
    description: 'Makes one of your saved cards the default: the one charged when none is named',
  })
  async setDefaultPaymentMethod(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<SavedPaymentMethodType[]> {
    checkMethodId(id);
    return (await context.deps.payments.cards.setDefault(card(context), me(context), id)).map(SavedPaymentMethodType.from);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => PaymentType, {
    description:
      "Gives a captured payment back, whole or amountMinor of it, through the provider that took it and through the ledger (your organisation's payments)",
  })
  async refund(
    @Ctx() context: ApiContext,
    @Arg('paymentId', () => ID) paymentId: string,
    @Arg('amountMinor', () => Int, { nullable: true, description: 'Absent: all that is left of it' }) amountMinor?: number,
  ): Promise<PaymentType> {
    const principal = context.principal as Principal;
    const payment = isUuid(paymentId) ? await context.deps.payments.get(paymentId) : null;
    if (!payment || !seesOrganisation(principal, payment.organisationId)) throw notFound(`payment ${paymentId}`);
    if (amountMinor !== undefined && amountMinor !== null && amountMinor <= 0) throw badInput('amountMinor: expected > 0', 'amountMinor');
    return PaymentType.from(await context.deps.payments.refunds.refund({ paymentId, amountMinor, actor: principal.id }));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "For requires_action: the card payment's client secret, for Stripe.js to authenticate it (3-D Secure); the payer's only",
  })
  clientSecret(@Root() payment: PaymentType, @Ctx() context: ApiContext): string | null {
    if (context.principal?.id !== payment.payerUserId || payment.state !== 'requires_action') return null;
    const secret = payment.action?.clientSecret;
    return typeof secret === 'string' ? secret : null;
  }
}
