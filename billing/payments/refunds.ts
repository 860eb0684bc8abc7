import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../platform/logger.js';
import { BillingError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import type { PostingInput } from '../ledger/posting.js';
import { type Execute, findAttempt, type PaymentAttemptView, recordChange } from './attempts.js';
import type { PaymentProvider } from './provider.js';
import { supported } from './provider.js';
import type { PaymentSettlement } from './settle.js';

export interface RefundInput {
  paymentId: string;
  /** Absent: all that is left of it. */
  amountMinor?: number | null;
  /** The operator who gives it back (the ledger's actor). */
  actor: string;
}

interface CaptureRow {
  kind: string;
  total_minor: string;
  tax_minor: string;
}

/**
 * Gives captured money back (an operator's decision), through the provider that took it and through the ledger:
 * the provider's refund first (its idempotency key `refund:<payment>:<refunded so far>:<amount>`, so a retry or a
 * second operator's same click is the same refund), then in one transaction the ledger posting under the same key
 * and the attempt's refunded amount (`refunded` once all is back). The posting undoes the capture's: a top-up
 * takes the money out of the wallet again, an invoice payment out of revenue and tax payable in proportion.
 */
export class PaymentRefunds {
  constructor(
    private readonly deps: { orm: Orm; ledger: Ledger; log: Logger; settlement: PaymentSettlement },
    private readonly providerOf: (name: PaymentAttemptView['provider']) => PaymentProvider,
  ) {}

  async refund(input: RefundInput): Promise<PaymentAttemptView> {
    const execute = executeOn(this.deps.orm.em.fork());
    const attempt = await findAttempt(execute, input.paymentId);
    if (!attempt) throw new BillingError('NOT_FOUND', `payment ${input.paymentId} not found`);
    const provider = this.providerOf(attempt.provider);
    const give = supported(provider.name, 'refund', provider.refund);
    const left = attempt.capturedMinor - attempt.refundedMinor;
    if (attempt.state !== 'captured' || left <= 0)
      throw new BillingError('CONFLICT', `paymentId: payment is ${attempt.state}, nothing to refund`, 'paymentId');
    const amount = input.amountMinor ?? left;
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
      throw new BillingError(
        'BAD_USER_INPUT',
        `amountMinor: expected 1 to ${left} minor units (what is left of the payment)`,
        'amountMinor',
      );
    }
    const posting = await this.posting(execute, attempt, amount, input.actor);
    const answer = await give(attempt.providerReference ?? attempt.id, amount, posting.idempotencyKey);
    if (answer.state !== 'refunded' || answer.amountMinor !== amount) {
      throw new BillingError(
        'CONFLICT',
        `amountMinor: ${provider.name} did not refund it (${answer.reason ?? answer.state})`,
        'amountMinor',
      );
    }
    const after = await this.record(
      attempt.id,
      posting,
      amount,
      `${amount} ${attempt.currency} refunded by ${input.actor} (${answer.transactionId ?? 'no id'})`,
    );
    this.deps.settlement.announce(after);
    return after;
  }

  /** The ledger posting and the attempt's refunded amount together, once per key (a replayed posting adds nothing). */
  private record(id: string, posting: PostingInput, amount: number, cause: string): Promise<PaymentAttemptView> {
    return this.deps.orm.em.fork().transactional(async (em) => {
      const execute = executeOn(em);
      const locked = (await findAttempt(execute, id, { lock: true })) as PaymentAttemptView;
      const posted = await this.deps.ledger.post(posting, { em });
      if (posted.replayed) return locked;
      const refunded = locked.refundedMinor + amount;
      await execute('update payment_attempt set refunded_minor = ? where id = ?', [refunded, id]);
      const state = refunded >= locked.capturedMinor ? 'refunded' : locked.state;
      const entry = { from: locked.state, to: state, at: new Date().toISOString(), cause };
      return recordChange(execute, id, { state, entry }, new Date());
    });
  }

  /** What undoes `amount` of the capture's posting (found by its key `payment:<id>`), under the refund's key. */
  private async posting(execute: Execute, attempt: PaymentAttemptView, amount: number, actor: string): Promise<PostingInput> {
    const [capture] = await execute<CaptureRow[]>(
      `select t.kind, i.incl_tax_minor as total_minor, i.tax_minor from ledger_transaction t
       left join invoice i on i.id = ? where t.idempotency_key = ?`,
      [attempt.invoiceId, `payment:${attempt.id}`],
    );
    if (!capture)
      throw new BillingError('CONFLICT', `paymentId: payment ${attempt.id} has no capture in the ledger to refund`, 'paymentId');
    const { ledger } = this.deps;
    const { organisationId: org, currency } = attempt;
    const clearing = (await ledger.account(org, 'provider_clearing', currency)).id;
    const base = {
      organisationId: org,
      kind: 'refund',
      idempotencyKey: `refund:${attempt.id}:${attempt.refundedMinor}:${amount}`,
      reference: attempt.id,
      actor,
      description: `refund of payment ${attempt.id}`,
    };
    if (capture.kind !== 'invoice-payment') {
      const wallet = await ledger.wallet(org, attempt.payerUserId as string, currency);
      if (wallet.balanceMinor < amount)
        throw new BillingError('CONFLICT', `amountMinor: the wallet holds ${wallet.balanceMinor} of it only`, 'amountMinor');
      return {
        ...base,
        entries: [
          { accountId: wallet.id, amountMinor: -amount },
          { accountId: clearing, amountMinor: amount },
        ],
      };
    }
    const total = Number(capture.total_minor);
    const tax = total > 0 ? Math.round((amount * Number(capture.tax_minor)) / total) : 0;
    const entries = [
      { accountId: clearing, amountMinor: amount },
      ...(amount - tax > 0 ? [{ accountId: (await ledger.account(org, 'revenue', currency)).id, amountMinor: -(amount - tax) }] : []),
      ...(tax > 0 ? [{ accountId: (await ledger.account(org, 'tax_payable', currency)).id, amountMinor: -tax }] : []),
    ];
    return { ...base, entries };
  }
}

const executeOn =
  (em: EntityManager): Execute =>
  <T>(query: string, params: unknown[] = []) =>
    em.execute(query, params) as Promise<T>;
