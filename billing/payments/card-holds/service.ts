import { randomUUID } from 'node:crypto';
import type { Orm } from '../../../database/orm.js';
import type { Logger } from '../../../platform/logger.js';
import { BillingError } from '../../errors.js';
import type { IssuedInvoice, Settlement } from '../../service.js';
import type { TariffService } from '../../tariffs.js';
import type { Execute, PaymentAttemptView } from '../attempts.js';
import { dueInvoice } from '../invoices.js';
import { type PaymentProvider, supported } from '../provider.js';
import type { PaymentService } from '../service.js';
import { isOpen } from '../states.js';
import { holdAmount, mustStop } from './amount.js';
import { bindSession, claimStart, holdsOfSessions, linkInvoice, noteHold, type OpenHold, openHolds, sessionOfStart } from './rows.js';

export interface CardHoldDeps {
  orm: Orm;
  log: Logger;
  payments: PaymentService;
  tariffs: Pick<TariffService, 'resolve'>;
  /** The running cost of an open session, tax included, as its bill will be (billing/service.ts priceOf); null: no tariff. */
  runningCost(sessionId: string): Promise<number | null>;
  /** Sends RemoteStopTransaction for a held session (the guard); resolves to the station's answer. */
  stop(target: StopTarget): Promise<'Accepted' | 'Rejected'>;
  /** How long a remote start waits for the station's StartTransaction (REMOTE_SESSION_TIMEOUT). */
  startWaitMs: number;
  /** How long a hold is asked about before it is left for review (a card authorisation lasts 7 days at Stripe). */
  holdForMs?: number;
}

/** A driver's remote start paid by card: where, with which credential, on which saved card. */
export interface CardStart {
  userId: string;
  organisationId: string;
  stationId: string;
  identity: string;
  connectorId: number | null;
  idTag: string;
  idTokenId: string | null;
  methodId?: string | null;
  /** A retry with the same key is the same hold (and the same start, once it went through). */
  idempotencyKey?: string | null;
}

/** What the station did with the remote start (commands/remote-start.ts). */
export interface StartOutcome {
  status: 'Accepted' | 'Rejected';
  sessionId: string | null;
}

/** A held session the guard stops. */
export interface StopTarget {
  identity: string;
  sessionId: string;
  transactionId: string;
}

/** How long after a stop was asked the guard asks again when the session still runs. */
const stopAgainMs = 60_000;

/**
 * Ad hoc card sessions: the card is held (a PaymentIntent with capture_method=manual) for the tariff's hold before
 * the station is told to start; the hold is released when the start fails, captured for the bill (at most the
 * hold) when the session is billed, and the session is stopped by evcms when its running cost nears the hold.
 * Every step is a payment_attempt row (purpose `session`) moved only on what Stripe confirms; the sweep finishes
 * whatever a crash left (a start never linked, a release or a capture not done) from the row and Stripe's status.
 */
export class CardHolds {
  /** The running cost at the guard's last check, per held session (the next reading's estimate). */
  private readonly previous = new Map<string, number>();
  private readonly stopAskedAt = new Map<string, number>();
  /** Sessions known to be held here: the live check (session.updated) looks at these only. */
  readonly watched = new Set<string>();

  constructor(private readonly deps: CardHoldDeps) {}

  private execute: Execute = <T>(query: string, params: unknown[] = []) => this.deps.orm.em.fork().execute(query, params) as Promise<T>;

  private card(): PaymentProvider {
    return this.deps.payments.provider('stripe');
  }

  /**
   * Holds the driver's card, then (authorised only) starts the station with `start`. A declined or unauthorised
   * hold never starts the station (PAYMENT_DECLINED); a start rejected, failed or without a StartTransaction in the
   * wait releases the hold. No tariff: nothing to hold, the station is started as it is.
   */
  async startOnCard(input: CardStart, start: () => Promise<StartOutcome>): Promise<StartOutcome & { hold: PaymentAttemptView | null }> {
    const now = new Date();
    const connectorId = input.connectorId ?? 1;
    const tariff = await this.deps.tariffs.resolve({ stationId: input.stationId, connectorId, idTokenId: input.idTokenId, at: now });
    if (!tariff) return { ...(await start()), hold: null };
    const { currency } = tariff.definition;
    const amountMinor = holdAmount(tariff.definition);
    if (amountMinor === null)
      throw new BillingError('BAD_USER_INPUT', `payByCard: the tariff sets no holdAmountMinor and evcms has no default for ${currency}`);
    const provider = this.card();
    const payer = await this.deps.payments.cards.payer(provider, input.userId, input.methodId);
    const attempt = {
      organisationId: input.organisationId,
      payerUserId: input.userId,
      payerMsisdn: null,
      provider: provider.name,
      idempotencyKey: holdKey(input.userId, input.idempotencyKey ?? randomUUID()),
      purpose: 'session' as const,
      invoiceId: null,
      heldStart: { stationId: input.stationId, identity: input.identity, connectorId: input.connectorId, idTag: input.idTag },
      amountMinor,
      currency,
      deadlineAt: new Date(now.getTime() + (this.deps.holdForMs ?? 7 * 86_400_000)),
      cause: `card hold for a session at ${input.identity}`,
    };
    const hold = await this.deps.payments.begin(provider, payer, attempt, 'manual');
    if (hold.sessionId) return { status: 'Accepted', sessionId: hold.sessionId, hold };
    if (hold.state === 'cancelled' || hold.state === 'captured' || hold.state === 'refunded')
      throw new BillingError(
        'CONFLICT',
        `idempotencyKey: this start's hold is ${hold.state} already; start again with another key`,
        'idempotencyKey',
      );
    if (hold.state !== 'authorised') {
      const reason = hold.reason ?? hold.state;
      if (isOpen(hold.state)) await this.release(hold, 'the hold was not authorised at once: released, the station not asked to start');
      throw new BillingError('PAYMENT_DECLINED', `payByCard: the card hold of ${amountMinor} ${currency} was not authorised (${reason})`);
    }
    if (!(await claimStart(this.execute, hold.id, `remote start asked of ${input.identity}`, now)))
      throw new BillingError('CONFLICT', 'idempotencyKey: a start on this hold is under way', 'idempotencyKey');
    let started: StartOutcome;
    try {
      started = await start();
    } catch (error) {
      await this.release(hold, `the start failed (${(error as Error).message}): released`);
      throw error;
    }
    if (started.status !== 'Accepted') return { ...started, hold: await this.release(hold, 'the station rejected the start: released') };
    if (!started.sessionId) {
      const waited = Math.round(this.deps.startWaitMs / 1000);
      return { ...started, hold: await this.release(hold, `no StartTransaction within ${waited} s: released`) };
    }
    await bindSession(this.execute, hold.id, started.sessionId, new Date());
    this.watched.add(started.sessionId);
    return { ...started, hold: (await this.deps.payments.get(hold.id)) ?? hold };
  }

  /** The session a start paid by card with this key began (a retry of it gets the same session), else null. */
  async startedBefore(userId: string, idempotencyKey: string): Promise<string | null> {
    const rows = await this.execute<{ session_id: string | null }[]>('select session_id from payment_attempt where idempotency_key = ?', [
      holdKey(userId, idempotencyKey),
    ]);
    return rows[0]?.session_id ?? null;
  }

  /**
   * Gives a hold back: the provider's word first (one it never had fails, one already final is applied), else the
   * hold is cancelled there. When the provider cannot be asked now, the hold stays and the sweep tries again.
   */
  async release(hold: PaymentAttemptView, cause: string): Promise<PaymentAttemptView> {
    const provider = this.card();
    const reference = hold.providerReference ?? hold.id;
    try {
      const now = await provider.status(reference);
      if (now.notFound) return await this.apply(provider, hold, { state: 'failed', reason: 'NOT_FOUND' }, `${cause}; Stripe never had it`);
      if (!isOpen(now.state)) return await this.apply(provider, hold, now, `${cause}; Stripe says ${now.state}`);
      const cancelled = await supported(provider.name, 'cancel', provider.cancel)(reference);
      return await this.apply(provider, hold, cancelled, `${cause}; Stripe says ${cancelled.state}`);
    } catch (error) {
      this.deps.log.warn({ err: error, paymentId: hold.id }, 'card holds: could not release a hold now; the sweep tries again');
      await noteHold(this.execute, hold, 'RELEASE_DUE', `${cause}, but Stripe could not be asked: released by the sweep`, new Date());
      return hold;
    }
  }

  /**
   * Issued invoices of held sessions, each captured from its hold for what is due (`amount_to_capture`, at most the
   * hold). Answers per invoice id: `captured`; `pending` (the capture is not confirmed yet: the sweep finishes it, and
   * nothing else may take the invoice meanwhile); invoices of no hold, or whose bill passed the hold (released, so
   * the invoice is collected like any other), are left out.
   */
  async captureInvoices(invoices: IssuedInvoice[]): Promise<Map<string, 'captured' | 'pending'>> {
    const holds = await holdsOfSessions(
      this.execute,
      invoices.map((invoice) => invoice.sessionId),
    );
    const outcomes = new Map<string, 'captured' | 'pending'>();
    for (const invoice of invoices) {
      const hold = holds.get(invoice.sessionId);
      if (!hold) continue;
      const outcome = await this.capture(hold, invoice.id);
      if (outcome !== 'released') outcomes.set(invoice.id, outcome);
    }
    return outcomes;
  }

  private async capture(hold: PaymentAttemptView, invoiceId: string): Promise<'captured' | 'pending' | 'released'> {
    const due = await dueInvoice(this.execute, invoiceId);
    if (due?.status !== 'open') {
      await this.release(hold, `invoice ${invoiceId} was settled otherwise: released`);
      return 'released';
    }
    if (due.dueMinor > hold.amountMinor) {
      this.deps.log.warn(
        { paymentId: hold.id, invoiceId, due: due.dueMinor, hold: hold.amountMinor },
        'card holds: the bill passed the hold',
      );
      await this.release(hold, `the bill of ${due.dueMinor} is more than the hold of ${hold.amountMinor}: released, collected otherwise`);
      return 'released';
    }
    if (!(await linkInvoice(this.execute, hold.id, invoiceId))) {
      this.deps.log.error({ paymentId: hold.id, invoiceId }, 'card holds: the hold pays another invoice; left for review');
      return 'pending';
    }
    const provider = this.card();
    try {
      const status = await supported(provider.name, 'capture', provider.capture)(hold.providerReference ?? hold.id, due.dueMinor);
      const cause = `Stripe says ${status.state}, asked to capture the bill of ${due.dueMinor} ${due.currency}`;
      const after = await this.apply(provider, hold, status, cause);
      return after.state === 'captured' ? 'captured' : 'pending';
    } catch (error) {
      this.deps.log.warn({ err: error, paymentId: hold.id }, 'card holds: could not capture now; the sweep tries again');
      await noteHold(
        this.execute,
        hold,
        'CAPTURE_DUE',
        `the capture of ${due.dueMinor} was not confirmed: the sweep tries again`,
        new Date(),
      );
      return 'pending';
    }
  }

  private apply(
    provider: PaymentProvider,
    hold: PaymentAttemptView,
    status: Parameters<PaymentService['settlement']['apply']>[2],
    cause: string,
  ) {
    return this.deps.payments.settlement.apply(provider, hold.id, status, cause);
  }

  /** The live check of one session (on its new readings): stops it when its running cost nears its hold. */
  async check(sessionId: string, target: Omit<StopTarget, 'sessionId'>): Promise<void> {
    if (!this.watched.has(sessionId)) return;
    const hold = (await holdsOfSessions(this.execute, [sessionId])).get(sessionId);
    if (!hold) {
      this.watched.delete(sessionId);
      return;
    }
    await this.guard(hold, { ...target, sessionId });
  }

  private async guard(hold: PaymentAttemptView, target: StopTarget): Promise<'charging' | 'stopping'> {
    const cost = await this.deps.runningCost(target.sessionId);
    if (cost === null) return 'charging';
    const previousMinor = this.previous.get(target.sessionId) ?? null;
    this.previous.set(target.sessionId, cost);
    if (!mustStop({ costMinor: cost, previousMinor, holdMinor: hold.amountMinor })) return 'charging';
    const askedAt = this.stopAskedAt.get(target.sessionId);
    if (askedAt !== undefined && Date.now() - askedAt < stopAgainMs) return 'stopping';
    this.stopAskedAt.set(target.sessionId, Date.now());
    const cause = `running cost ${cost} of the hold's ${hold.amountMinor} ${hold.currency}: RemoteStopTransaction sent`;
    await noteHold(this.execute, hold, 'STOPPING_AT_HOLD', cause, new Date());
    const answer = await this.deps.stop(target).catch((error: unknown) => {
      this.deps.log.warn({ err: error, sessionId: target.sessionId }, 'card holds: the stop at the hold did not reach the station');
      return 'Rejected' as const;
    });
    this.deps.log.info({ sessionId: target.sessionId, cost, hold: hold.amountMinor, answer }, 'card holds: session stopped at its hold');
    return 'stopping';
  }

  /**
   * One pass over the open holds: starts never linked are linked to their session or released, held sessions near
   * their hold are stopped, billed ones captured, free ones released. What a crash left is finished here.
   */
  async sweep(now = new Date()): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const open of await openHolds(this.execute)) {
      const outcome = await this.sweepOne(open, now).catch((error: unknown) => {
        this.deps.log.error({ err: error, paymentId: open.attempt.id }, 'card holds: sweep of a hold failed; next sweep');
        return 'error';
      });
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return counts;
  }

  private async sweepOne({ attempt, session, invoice }: OpenHold, now: Date): Promise<string> {
    // A start is under way for as long as the remote start may wait (its call, then its StartTransaction).
    const startOver = now.getTime() - attempt.createdAt.getTime() > 2 * this.deps.startWaitMs + 60_000;
    if (!attempt.sessionId) {
      if (!startOver) return 'starting';
      const found =
        attempt.state === 'authorised' && attempt.heldStart && (await sessionOfStart(this.execute, attempt.heldStart, attempt.createdAt));
      if (found && (await bindSession(this.execute, attempt.id, found, now))) {
        this.watched.add(found);
        return 'linked';
      }
      await this.release(attempt, 'no session started on the hold: released');
      return 'released';
    }
    const sessionId = attempt.sessionId;
    if (session?.state === 'Active') {
      this.watched.add(sessionId);
      return this.guard(attempt, { identity: session.identity, sessionId, transactionId: session.transactionId });
    }
    this.forget(sessionId);
    if (session?.billingStatus === 'billed' && invoice?.status === 'open') return this.capture(attempt, invoice.id);
    if (!session || session.billingStatus === 'free' || session.billingStatus === 'billed') {
      await this.release(attempt, 'the session owes nothing on the hold: released');
      return 'released';
    }
    // pending: the billing worker bills it; held: an operator reviews it first (the hold waits, up to its deadline).
    return 'waiting';
  }

  private forget(sessionId: string): void {
    this.watched.delete(sessionId);
    this.previous.delete(sessionId);
    this.stopAskedAt.delete(sessionId);
  }
}

/** The idempotency key of a driver's card hold. */
const holdKey = (userId: string, key: string) => `session-hold:${userId}:${key}`;

/** Invoices of held sessions captured from their holds first; the others (and those the hold cannot pay) as `rest` settles them. */
export function cardHoldSettlement(holds: CardHolds, rest: Settlement): Settlement {
  return {
    async settle(invoices: IssuedInvoice[]): Promise<boolean[]> {
      const held = await holds.captureInvoices(invoices);
      const others = invoices.filter((invoice) => !held.has(invoice.id));
      const paid = new Map((await rest.settle(others)).map((value, i) => [others[i]?.id as string, value]));
      return invoices.map((invoice) => held.get(invoice.id) === 'captured' || (paid.get(invoice.id) ?? false));
    },
  };
}
