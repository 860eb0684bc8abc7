import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { InsufficientFundsError, LedgerError } from '../ledger/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { type AttemptChange, type Execute, findAttempt, type PaymentAttemptView, recordChange } from './attempts.js';
import { type DueInvoice, dueInvoice } from './invoices.js';
import { type CaptureAccounts, type CaptureTarget, capturePosting } from './postings.js';
import type { PaymentProvider, ProviderStatus } from './provider.js';
import { move } from './states.js';

export interface SettleDeps {
  orm: Orm;
  ledger: Ledger;
  events: EventBus;
  log: Logger;
}

const providerLabels: Record<string, string> = { momo: 'MTN MoMo', airtel: 'Airtel Money', stripe: 'card', wallet: 'wallet' };

/**
 * Applies what a provider confirmed to an attempt, in one transaction: the attempt row locked, the move checked
 * against the state machine, and for `captured` the ledger posting (once per attempt: its idempotency key) and the
 * invoice marked paid, all committed together or not at all. A repeat of a state already applied changes nothing.
 */
export class PaymentSettlement {
  constructor(private readonly deps: SettleDeps) {}

  async apply(
    provider: PaymentProvider,
    id: string,
    observed: ProviderStatus,
    cause: string,
    now = new Date(),
  ): Promise<PaymentAttemptView> {
    const before = await findAttempt(this.execute(this.deps.orm.em.fork()), id);
    if (!before) throw new Error(`payment ${id} not found`);
    // Accounts are made (once, idempotently) before the transaction, which then only locks and writes.
    const accounts = observed.state === 'captured' && before.state !== 'captured' ? await this.accounts(before, provider) : null;
    const { attempt, changed } = await this.deps.orm.em.fork().transactional(async (em) => {
      const execute = this.execute(em);
      const locked = await findAttempt(execute, id, { lock: true });
      if (!locked) throw new Error(`payment ${id} vanished`);
      const change = await this.change(em, locked, observed, cause, accounts, now);
      return change ? { attempt: await recordChange(execute, id, change, now), changed: true } : { attempt: locked, changed: false };
    });
    if (changed) this.announce(attempt, now);
    return attempt;
  }

  /** Notes a fact about an attempt that is no move (evcms stopped waiting for it), in its history. */
  async note(id: string, reason: string, cause: string, now = new Date()): Promise<PaymentAttemptView> {
    return this.deps.orm.em.fork().transactional(async (em) => {
      const locked = await findAttempt(this.execute(em), id, { lock: true });
      if (!locked) throw new Error(`payment ${id} not found`);
      const entry = { from: locked.state, to: locked.state, at: now.toISOString(), cause };
      return recordChange(this.execute(em), id, { state: locked.state, entry, reason }, now);
    });
  }

  /** Publishes the attempt's state (payment.updated): subscribers and the poller hear of it. */
  announce(attempt: PaymentAttemptView, now = new Date()): void {
    void this.deps.events.publish('payment.updated', {
      paymentId: attempt.id,
      organisationId: attempt.organisationId,
      payerUserId: attempt.payerUserId,
      provider: attempt.provider,
      purpose: attempt.purpose,
      invoiceId: attempt.invoiceId,
      state: attempt.state,
      reason: attempt.reason,
      amountMinor: attempt.amountMinor,
      currency: attempt.currency,
      at: now.toISOString(),
    });
  }

  private execute(em: EntityManager): Execute {
    return <T>(query: string, params: unknown[] = []) => em.execute(query, params) as Promise<T>;
  }

  /** The change to write, or null for none (the state is already so, or the move is not allowed: logged). */
  private async change(
    em: EntityManager,
    attempt: PaymentAttemptView,
    observed: ProviderStatus,
    cause: string,
    accounts: CaptureAccounts | null,
    now: Date,
  ): Promise<AttemptChange | null> {
    const outcome = move(attempt.state, observed.state, cause, now);
    if (outcome.kind === 'unchanged') return null;
    if (outcome.kind === 'refused') {
      this.deps.log.error({ paymentId: attempt.id, observed: observed.state, cause }, `payments: ${outcome.reason}; left for review`);
      return null;
    }
    const details = {
      reason: observed.reason ?? null,
      transactionId: observed.transactionId ?? null,
      action: observed.action ?? null,
      providerReference: observed.providerReference ?? null,
    };
    if (observed.state !== 'captured') return { state: outcome.state, entry: outcome.transition, ...details };
    const taken = takenMinor(attempt, observed);
    if (taken === null) {
      const said = `${observed.amountMinor} ${observed.currency}`;
      this.deps.log.error({ paymentId: attempt.id, said }, 'payments: the provider took another amount than asked; left for review');
      const entry = { from: attempt.state, to: attempt.state, at: now.toISOString(), cause: `${cause}, but for ${said}: left for review` };
      return { state: attempt.state, entry, reason: 'AMOUNT_MISMATCH' };
    }
    return this.capture(em, attempt, taken, accounts as CaptureAccounts, { ...details, entry: outcome.transition }, now);
  }

  /** The money into the ledger and the invoice paid, in the caller's transaction; a wallet without the money fails it. */
  private async capture(
    em: EntityManager,
    attempt: PaymentAttemptView,
    taken: number,
    accounts: CaptureAccounts,
    change: Omit<AttemptChange, 'state'>,
    now: Date,
  ): Promise<AttemptChange> {
    const invoice = attempt.invoiceId ? await dueInvoice(this.execute(em), attempt.invoiceId, { lock: true }) : null;
    const target = captureTarget(attempt, invoice, taken);
    const fromWallet = attempt.provider === 'wallet';
    const failed = (reason: string, cause: string): AttemptChange => ({
      state: 'failed',
      entry: { from: attempt.state, to: 'failed', at: now.toISOString(), cause },
      reason,
    });
    if (fromWallet && target.kind === 'surplus')
      return failed('INVOICE_SETTLED', 'the invoice was settled or changed meanwhile: nothing taken');
    try {
      await this.deps.ledger.post(capturePosting(attempt, target, accounts, providerLabels[attempt.provider] ?? attempt.provider, taken), {
        em,
      });
    } catch (error) {
      if (fromWallet && error instanceof InsufficientFundsError) return failed('NOT_ENOUGH_FUNDS', 'the wallet does not hold the money');
      if (fromWallet && error instanceof LedgerError && error.code === 'CONFLICT')
        return failed('INVOICE_SETTLED', 'the wallet paid this session already');
      throw error;
    }
    if (target.kind === 'invoice') {
      await em.execute(`update invoice set status = 'paid', paid_at = ? where id = ? and status = 'open'`, [now, target.invoiceId]);
    }
    return { ...change, state: 'captured', capturedMinor: taken };
  }

  private async accounts(attempt: PaymentAttemptView, provider: PaymentProvider): Promise<CaptureAccounts> {
    const { ledger } = this.deps;
    const { organisationId: org, currency } = attempt;
    const wallet = attempt.payerUserId ? (await ledger.wallet(org, attempt.payerUserId, currency)).id : null;
    const clearing = provider.fundsFrom === 'provider_clearing' ? (await ledger.account(org, 'provider_clearing', currency)).id : null;
    const source = clearing ?? wallet;
    if (!source) throw new Error(`payment ${attempt.id}: no account to take the money from`);
    return {
      source,
      wallet,
      revenue: (await ledger.account(org, 'revenue', currency)).id,
      tax: (await ledger.account(org, 'tax_payable', currency)).id,
    };
  }
}

/**
 * What a captured payment took: what was asked, or for a card hold (purpose `session`) what the provider says it
 * captured, at most the hold. Null: another amount or currency than the attempt allows (left for review).
 */
export function takenMinor(attempt: PaymentAttemptView, observed: ProviderStatus): number | null {
  const said = observed.amountMinor ?? null;
  if (said !== null && observed.currency !== attempt.currency) return null;
  if (attempt.purpose !== 'session') return said === null || said === attempt.amountMinor ? attempt.amountMinor : null;
  if (said === null) return null;
  return said > 0 && said <= attempt.amountMinor ? said : null;
}

/**
 * What the money pays for: the top-up, the invoice still due as taken, or (settled or changed meanwhile, or a card
 * hold captured for no invoice) the wallet.
 */
export function captureTarget(attempt: PaymentAttemptView, invoice: DueInvoice | null, taken = attempt.amountMinor): CaptureTarget {
  if (attempt.purpose === 'wallet_top_up' || (attempt.purpose === 'session' && !attempt.invoiceId)) return { kind: 'wallet_top_up' };
  const invoiceId = attempt.invoiceId as string;
  if (invoice?.status !== 'open' || invoice.dueMinor !== taken) return { kind: 'surplus', invoiceId };
  return { kind: 'invoice', invoiceId, sessionId: invoice.sessionId, dueMinor: invoice.dueMinor, taxMinor: invoice.taxDueMinor };
}
