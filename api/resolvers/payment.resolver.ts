import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type Principal, seesOrganisation } from '../../auth/principal.js';
import type { PaymentAttemptView } from '../../billing/payments/attempts.js';
import { paymentScope } from '../../billing/visibility.js';
import type { EventMap } from '../../events/topics.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { PaymentMethodValue, PaymentStateValue, PaymentType, PaymentUpdate, providerOf } from '../types/payment.type.js';

const PaymentConnection = ConnectionType('Payment', PaymentType);

/** May this principal read this payment? Drivers their own; staff and partners their organisation's (admins all). */
function sees(principal: Principal | null, payment: { payerUserId: string | null; organisationId: string }): boolean {
  if (!principal) return false;
  if (principal.role === 'DRIVER') return payment.payerUserId === principal.id;
  return seesOrganisation(principal, payment.organisationId);
}

async function visiblePayment(context: ApiContext, id: string): Promise<PaymentAttemptView> {
  const payment = isUuid(id) ? await context.deps.payments.get(id) : null;
  if (!payment || !sees(context.principal, payment)) throw notFound(`payment ${id}`);
  return payment;
}

const purposes = ['wallet_top_up', 'invoice', 'session'];

function checkKey(idempotencyKey: string | undefined): void {
  if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 100)) {
    throw badInput('idempotencyKey: expected 1 to 100 characters', 'idempotencyKey');
  }
}

@Resolver(() => PaymentType)
export class PaymentResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => PaymentConnection, { description: "Payments, newest first: drivers their own, staff and partners their organisation's" })
  async payments(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('state', () => PaymentStateValue, { nullable: true }) state?: PaymentStateValue,
    @Arg('purpose', () => String, { nullable: true, description: 'wallet_top_up, invoice or session (a card hold)' }) purpose?: string,
    @Arg('method', () => PaymentMethodValue, { nullable: true }) method?: PaymentMethodValue,
    @Arg('invoiceId', () => ID, { nullable: true }) invoiceId?: string,
  ) {
    if (purpose && !purposes.includes(purpose)) throw badInput('purpose: expected wallet_top_up, invoice or session', 'purpose');
    if (invoiceId && !isUuid(invoiceId)) throw badInput('invoiceId: not an invoice id', 'invoiceId');
    const window = pageWindow(page);
    const { attempts, total } = await context.deps.payments.list({
      scope: paymentScope(context.principal as Principal),
      state: state ?? null,
      purpose: purpose ?? null,
      provider: method ? providerOf[method] : null,
      invoiceId: invoiceId ?? null,
      limit: window.limit,
      offset: window.offset,
    });
    return toConnection(attempts.map(PaymentType.from), total, window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => PaymentType, { description: 'One payment, with its history' })
  async payment(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<PaymentType> {
    return PaymentType.from(await visiblePayment(context, id));
  }

  @Authorized('DRIVER')
  @Mutation(() => PaymentType, {
    description:
      'Tops your wallet up by mobile money (your phone is asked to approve) or by a saved card; the wallet is credited once the provider confirms (paymentUpdated)',
  })
  async topUpWallet(
    @Ctx() context: ApiContext,
    @Arg('amountMinor', () => Int) amountMinor: number,
    @Arg('method', () => PaymentMethodValue) method: PaymentMethodValue,
    @Arg('msisdn', () => String, {
      nullable: true,
      description: 'For MOMO and AIRTEL: the paying number, international form (250788123456)',
    })
    msisdn?: string,
    @Arg('currency', () => String, { nullable: true, description: "Absent: the provider account's" }) currency?: string,
    @Arg('organisationId', () => ID, { nullable: true, description: 'The operator of the wallet, when you have several' })
    organisationId?: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A retry with the same key is the same payment' })
    idempotencyKey?: string,
    @Arg('methodId', () => ID, { nullable: true, description: 'For CARD: the saved card; absent, the default one' }) methodId?: string,
  ): Promise<PaymentType> {
    checkKey(idempotencyKey);
    const attempt = await context.deps.payments.topUpWallet({
      userId: (context.principal as Principal).id,
      organisationId: organisationId ?? null,
      amountMinor,
      currency: currency ?? null,
      method: providerOf[method],
      msisdn: msisdn ?? null,
      methodId: methodId ?? null,
      idempotencyKey: idempotencyKey ?? null,
    });
    return PaymentType.from(attempt);
  }

  @Authorized('DRIVER')
  @Mutation(() => PaymentType, {
    description:
      'Pays what is due of one of your open invoices: by mobile money (msisdn), a saved card or from your wallet; paid once the provider confirms',
  })
  async payInvoice(
    @Ctx() context: ApiContext,
    @Arg('invoiceId', () => ID) invoiceId: string,
    @Arg('method', () => PaymentMethodValue) method: PaymentMethodValue,
    @Arg('msisdn', () => String, { nullable: true, description: 'For MOMO and AIRTEL: the paying number' }) msisdn?: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey?: string,
    @Arg('methodId', () => ID, { nullable: true, description: 'For CARD: the saved card; absent, the default one' }) methodId?: string,
  ): Promise<PaymentType> {
    if (!isUuid(invoiceId)) throw notFound(`invoice ${invoiceId}`);
    checkKey(idempotencyKey);
    const attempt = await context.deps.payments.payInvoice({
      invoiceId,
      userId: (context.principal as Principal).id,
      method: providerOf[method],
      msisdn: msisdn ?? null,
      methodId: methodId ?? null,
      idempotencyKey: idempotencyKey ?? null,
    });
    return PaymentType.from(attempt);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Subscription(() => PaymentUpdate, {
    topics: 'payment.updated',
    filter: ({
      payload,
      args,
      context,
    }: {
      payload: EventMap['payment.updated'];
      args: { paymentId?: string | null };
      context: ApiContext;
    }) => (!args.paymentId || args.paymentId === payload.paymentId) && sees(context.principal, payload),
    description: "Payments as they are made and change state: drivers their own, staff and partners their organisation's",
  })
  paymentUpdated(
    @Root() event: EventMap['payment.updated'],
    @Arg('paymentId', () => ID, { nullable: true }) _paymentId?: string,
  ): PaymentUpdate {
    return PaymentUpdate.from(event);
  }
}
