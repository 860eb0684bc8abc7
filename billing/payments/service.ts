import { randomUUID } from 'node:crypto';
import type { Orm } from '../../database/orm.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { isCurrency } from '../currency.js';
import { BillingError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import {
  type AttemptFilter,
  type Execute,
  findAttempt,
  findByReference,
  insertAttempt,
  listAttempts,
  type NewAttempt,
  openAttempts,
  type PaymentAttemptView,
  rememberReference,
} from './attempts.js';
import { type CardPayer, SavedCards } from './cards.js';
import { type CollectOutcome, collectInvoice, giveUp } from './collect.js';
import { ProviderError } from './errors.js';
import { dueInvoice } from './invoices.js';
import { normaliseMsisdn } from './mobile-money.js';
import { walletOperator } from './operators.js';
import type { InboundRequest, PaymentProvider, PaymentRequest, ProviderName, ProviderStatus } from './provider.js';
import { type ReconciliationReport, reconcilePayments } from './reconcile.js';
import { PaymentRefunds } from './refunds.js';
import { PaymentSettlement } from './settle.js';
import { isOpen } from './states.js';

export interface PaymentDeps {
  orm: Orm;
  ledger: Ledger;
  events: EventBus;
  log: Logger;
  /** The providers configured on this server (each off unless configured). */
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  /** How long evcms asks a provider for a final status, from the request (30 minutes by default). */
  pollForMs?: number;
}

export interface TopUpInput {
  userId: string;
  /** The operator whose wallet is topped up; absent, the one the driver has a wallet or cards with. */
  organisationId?: string | null;
  amountMinor: number;
  /** Absent: the provider account's currency. */
  currency?: string | null;
  method: ProviderName;
  msisdn?: string | null;
  /** For a card: the saved card to charge; absent, the default one. */
  methodId?: string | null;
  /** A retry with the same key is the same payment. */
  idempotencyKey?: string | null;
}

export interface PayInvoiceInput {
  invoiceId: string;
  userId: string;
  method: ProviderName;
  msisdn?: string | null;
  methodId?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Payments through the configured providers: attempts made once per idempotency key, asked of the provider, and
 * settled only on what the provider confirms (a status read, never a callback's word alone).
 */
export class PaymentService {
  readonly settlement: PaymentSettlement;
  /** Drivers' saved cards at the providers that keep customers (Stripe). */
  readonly cards: SavedCards;
  /** Money given back through the provider that took it and through the ledger. */
  readonly refunds: PaymentRefunds;

  constructor(private readonly deps: PaymentDeps) {
    this.settlement = new PaymentSettlement(deps);
    this.cards = new SavedCards(this.execute);
    this.refunds = new PaymentRefunds({ ...deps, settlement: this.settlement }, (name) => this.provider(name));
    deps.log.info({ providers: Object.keys(deps.providers) }, 'payments: the providers configured');
  }

  private execute: Execute = <T>(query: string, params: unknown[] = []) => this.deps.orm.em.fork().execute(query, params) as Promise<T>;

  /** The providers configured here, by name. */
  configured(): ProviderName[] {
    return Object.keys(this.deps.providers) as ProviderName[];
  }

  provider(name: ProviderName): PaymentProvider {
    const provider = this.deps.providers[name];
    if (!provider) throw new BillingError('BAD_USER_INPUT', `method: ${name} is not configured on this server`, 'method');
    return provider;
  }

  async get(id: string): Promise<PaymentAttemptView | null> {
    return findAttempt(this.execute, id);
  }

  /** A page of attempts a principal may read (its scope), newest first. */
  list(filter: AttemptFilter): Promise<{ attempts: PaymentAttemptView[]; total: number }> {
    return listAttempts(this.execute, filter);
  }

  /** Asks the driver's mobile money (or card) for money for their wallet with an operator. */
  async topUpWallet(input: TopUpInput): Promise<PaymentAttemptView> {
    const provider = this.provider(input.method);
    if (provider.fundsFrom === 'wallet')
      throw new BillingError('BAD_USER_INPUT', 'method: a wallet is not topped up from itself', 'method');
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
      throw new BillingError('BAD_USER_INPUT', 'amountMinor: expected a positive whole number of minor units', 'amountMinor');
    }
    const currency = this.currencyFor(provider, input.currency);
    const organisationId = await walletOperator(this.execute, input.userId, input.organisationId ?? null);
    const card = await this.cardPayer(provider, input.userId, input.methodId);
    return this.begin(provider, card, {
      organisationId,
      payerUserId: input.userId,
      payerMsisdn: this.msisdnFor(provider, input.msisdn),
      provider: provider.name,
      idempotencyKey: `top-up:${input.userId}:${input.idempotencyKey ?? randomUUID()}`,
      purpose: 'wallet_top_up',
      invoiceId: null,
      amountMinor: input.amountMinor,
      currency,
      deadlineAt: this.deadline(),
      cause: 'wallet top-up asked',
    });
  }

  /** Pays what is due of a driver's open invoice. */
  async payInvoice(input: PayInvoiceInput): Promise<PaymentAttemptView> {
    const provider = this.provider(input.method);
    const invoice = await dueInvoice(this.execute, input.invoiceId);
    if (invoice?.kind !== 'invoice' || invoice.payerUserId !== input.userId) {
      throw new BillingError('NOT_FOUND', `invoice ${input.invoiceId} not found`);
    }
    if (invoice.status !== 'open')
      throw new BillingError('CONFLICT', `invoiceId: invoice ${invoice.number} is ${invoice.status}`, 'invoiceId');
    const currency = this.currencyFor(provider, invoice.currency);
    const card = await this.cardPayer(provider, input.userId, input.methodId);
    const attempt = await this.begin(provider, card, {
      organisationId: invoice.organisationId,
      payerUserId: input.userId,
      payerMsisdn: this.msisdnFor(provider, input.msisdn),
      provider: provider.name,
      idempotencyKey: `invoice:${invoice.id}:${input.idempotencyKey ?? randomUUID()}`,
      purpose: 'invoice',
      invoiceId: invoice.id,
      amountMinor: invoice.dueMinor,
      currency,
      deadlineAt: this.deadline(),
      cause: `payment of invoice ${invoice.number} asked`,
    });
    return attempt;
  }

  /** Asks the provider what became of an attempt and applies it; `cause` says who asked (poll, callback, recovery). */
  async refresh(id: string, cause: string): Promise<PaymentAttemptView> {
    const { attempt, provider, status } = await this.ask(id);
    if (!provider || !status || status.notFound) return attempt;
    return this.settlement.apply(provider, id, status, said(provider, status, cause));
  }

  /** The attempt, and for an open one its provider and what the provider says of it now. */
  private async ask(id: string): Promise<{ attempt: PaymentAttemptView; provider?: PaymentProvider; status?: ProviderStatus }> {
    const attempt = await findAttempt(this.execute, id);
    if (!attempt) throw new BillingError('NOT_FOUND', `payment ${id} not found`);
    if (!isOpen(attempt.state)) return { attempt };
    const provider = this.provider(attempt.provider);
    return { attempt, provider, status: await provider.status(attempt.providerReference ?? attempt.id) };
  }

  /**
   * A provider's callback: checked, matched to its attempt, then the status read back from the provider, which
   * alone is applied. Refused (BAD_USER_INPUT, NOT_FOUND) without a change when it names no attempt of ours.
   */
  async callback(name: ProviderName, request: InboundRequest): Promise<PaymentAttemptView | null> {
    const provider = this.provider(name);
    const claim = provider.verifyCallback(request);
    if (claim.reference === null) return null;
    const attempt = await findByReference(this.execute, name, claim.reference);
    // A signed event about a payment that is not evcms's (another system on the same Stripe account): received.
    if (!attempt && claim.verified) return null;
    if (!attempt) throw new BillingError('NOT_FOUND', `payment ${claim.reference} not found`);
    this.deps.log.info({ paymentId: attempt.id, provider: name, claimed: claim.claimed }, 'payments: callback; reading the status back');
    return this.refresh(attempt.id, `a callback claiming ${claim.claimed ?? 'nothing known'}`);
  }

  /**
   * Compares the payments changed since `since` with their ledger postings (billing/payments/reconcile.ts): each
   * difference is logged as an error for a person. There must be none.
   */
  async reconcile(since: Date): Promise<ReconciliationReport> {
    const report = await reconcilePayments(this.execute, since);
    for (const difference of report.differences) {
      this.deps.log.error(difference, 'payments: reconciliation found a payment whose money and ledger differ');
    }
    this.deps.log.info({ checked: report.checked, differences: report.differences.length, since }, 'payments: reconciled');
    return report;
  }

  /** Dunning, one try (billing/payments/collect.ts): an issued invoice still open charged to the payer's default card. */
  collect(invoiceId: string, attempt: number): Promise<CollectOutcome> {
    return collectInvoice(this, this.execute, invoiceId, attempt);
  }

  /** Dunning is over for an invoice still open: it is due now, so the money gate refuses new sessions. */
  async giveUp(invoiceId: string): Promise<boolean> {
    const changed = await giveUp(this.execute, invoiceId);
    if (changed) this.deps.log.warn({ invoiceId }, 'payments: the default card was declined at every try; the invoice is past due');
    return changed;
  }

  /** The attempts the poller should still ask about. */
  open(limit = 500): Promise<string[]> {
    return openAttempts(this.execute, new Date(), limit);
  }

  /**
   * The deadline passed without a final word: one that the provider never had fails (nothing can be taken); one
   * still pending there is left pending for a person to review (money may yet move: a late callback still counts).
   */
  async expire(id: string): Promise<PaymentAttemptView> {
    const { attempt, provider, status } = await this.ask(id);
    if (!provider || !status) return attempt;
    if (status.notFound)
      return this.settlement.apply(provider, id, { state: 'failed', reason: 'NOT_FOUND' }, 'deadline passed: the provider never had it');
    const after = await this.settlement.apply(provider, id, status, said(provider, status, 'at the deadline'));
    if (!isOpen(after.state)) return after;
    if (after.state === 'requires_action' && !('unsupported' in provider.cancel)) {
      // The payer never authenticated: withdraw it (nothing was taken), so the invoice can be paid otherwise.
      const withdrawn = await provider.cancel(after.providerReference ?? id);
      return this.settlement.apply(provider, id, withdrawn, said(provider, withdrawn, 'cancelling it at the deadline'));
    }
    this.deps.log.warn({ paymentId: id, state: after.state }, 'payments: deadline passed without a final status; left for review');
    return this.settlement.note(id, 'DEADLINE_PASSED', 'deadline passed without a final status: left for review');
  }

  /**
   * Makes the attempt (once per idempotency key) and asks the provider; `manual` only holds the money (a card hold,
   * billing/payments/card-holds/). What the provider answered is applied; a repeat returns the attempt as it is.
   */
  async begin(
    provider: PaymentProvider,
    card: CardPayer | null,
    attempt: NewAttempt,
    capture: PaymentRequest['capture'] = 'automatic',
  ): Promise<PaymentAttemptView> {
    const made = await insertAttempt(this.execute, attempt, new Date());
    if (!made) throw new BillingError('CONFLICT', 'invoiceId: a payment of this invoice is under way', 'invoiceId');
    if (!made.created) return sameRequest(made.attempt, attempt);
    const request: PaymentRequest = {
      reference: made.attempt.id,
      amountMinor: attempt.amountMinor,
      currency: attempt.currency,
      purpose: attempt.purpose,
      payer: { msisdn: attempt.payerMsisdn, userId: attempt.payerUserId, ...card },
      organisationId: attempt.organisationId,
      description: descriptions[attempt.purpose],
      capture,
      remember: (reference) => rememberReference(this.execute, made.attempt.id, reference),
    };
    let answer: ProviderStatus;
    try {
      answer = await provider.authorise(request);
    } catch (error) {
      if (!(error instanceof BillingError || error instanceof ProviderError)) throw error;
      if (error instanceof BillingError) {
        await this.settlement.apply(provider, made.attempt.id, { state: 'failed', reason: 'REFUSED' }, `refused: ${error.message}`);
        throw error;
      }
      answer = { state: 'pending', reason: 'NO_ANSWER' };
    }
    if (answer.state !== 'pending')
      return this.settlement.apply(provider, made.attempt.id, answer, `${provider.name} answered the request`);
    // Pending the payer; or no sure answer, and then whether the provider has it is for its status to say (polled).
    const pending =
      answer.reason === 'NO_ANSWER'
        ? await this.settlement.note(
            made.attempt.id,
            'NO_ANSWER',
            `${provider.name} gave no sure answer to the request: polling its status`,
          )
        : made.attempt;
    this.settlement.announce(pending);
    return pending;
  }

  private currencyFor(provider: PaymentProvider, asked: string | null | undefined): string {
    const currency = asked ?? provider.currency;
    if (!currency || !isCurrency(currency)) throw new BillingError('BAD_USER_INPUT', 'currency: expected an ISO 4217 code', 'currency');
    if (provider.currency && currency !== provider.currency) {
      throw new BillingError(
        'BAD_USER_INPUT',
        `currency: the ${provider.name} account takes ${provider.currency}, not ${currency}`,
        'currency',
      );
    }
    return currency;
  }

  /** For a provider with customers (a card), the card to charge; null for the others. */
  private cardPayer(provider: PaymentProvider, userId: string, methodId: string | null | undefined): Promise<CardPayer> | null {
    return keepsCustomers(provider) ? this.cards.payer(provider, userId, methodId) : null;
  }

  private msisdnFor(provider: PaymentProvider, msisdn: string | null | undefined): string | null {
    if (provider.fundsFrom === 'wallet' || keepsCustomers(provider)) return null;
    const normal = msisdn ? normaliseMsisdn(msisdn) : null;
    if (!normal)
      throw new BillingError('BAD_USER_INPUT', 'msisdn: expected the paying number in international form (250788123456)', 'msisdn');
    return normal;
  }

  private deadline(): Date {
    return new Date(Date.now() + (this.deps.pollForMs ?? 30 * 60_000));
  }
}

/** What the payer's statement (MoMo's payer message, the card's description) says the money is for. */
const descriptions: Record<NewAttempt['purpose'], string> = {
  invoice: 'EV charging invoice',
  wallet_top_up: 'EV charging wallet top-up',
  session: 'EV charging session (card hold)',
};

/** A provider paid from saved methods of a customer (a card), not from a number named each time. */
const keepsCustomers = (provider: PaymentProvider) => !('unsupported' in provider.createPayer);

/** A history line: what the provider said, and on what occasion it was asked. */
const said = (provider: PaymentProvider, status: ProviderStatus, occasion: string) =>
  `${provider.name} says ${status.state}${status.reason ? ` (${status.reason})` : ''}, asked on ${occasion}`;

/** A repeated request (same idempotency key) is the same payment, or a conflict when it asks for something else. */
function sameRequest(earlier: PaymentAttemptView, asked: NewAttempt): PaymentAttemptView {
  const same =
    earlier.provider === asked.provider &&
    earlier.amountMinor === asked.amountMinor &&
    earlier.currency === asked.currency &&
    earlier.payerUserId === asked.payerUserId &&
    earlier.invoiceId === asked.invoiceId;
  if (!same) throw new BillingError('CONFLICT', 'idempotencyKey: used before for another payment', 'idempotencyKey');
  return earlier;
}
