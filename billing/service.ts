import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import type { Warehouse } from '../warehouse/client.js';
import { holdReason } from './holds.js';
import { type InvoiceDraft, invoicesOf, issued, issueInvoices } from './invoices.js';
import type { PlanCoverage } from './plans/hooks.js';
import { priceSession } from './pricing/index.js';
import { factsOf, loadSessions, type SessionRow } from './session-rows.js';
import type { PricedSession, TariffDefinition } from './tariff-model.js';
import type { TariffService } from './tariffs.js';
import { sessionsCharging, sessionsReadings } from './timeline.js';

/** How an invoice is paid once issued (the wallet ledger); absent, invoices stay open for the payments to settle. */
export interface Settlement {
  /** Debits each payer's wallet for its invoice, once per invoice whatever the retries; false where it cannot. */
  settle(invoices: IssuedInvoice[]): Promise<boolean[]>;
}

export interface IssuedInvoice {
  id: string;
  number: string;
  organisationId: string;
  sessionId: string;
  payerUserId: string | null;
  payerOrganisationId: string | null;
  currency: string;
  exclTaxMinor: number;
  taxMinor: number;
  inclTaxMinor: number;
}

export type BillOutcome =
  | { kind: 'billed'; invoice: IssuedInvoice; paid: boolean }
  | { kind: 'free'; reason: string }
  | { kind: 'held'; reason: string }
  | { kind: 'open'; reason: string };

/**
 * Sessions priced and billed. `priceOf` is the one way a session is priced, open (its running cost) or ended
 * (its bill), so the running cost at the stop is the bill. Billing is idempotent: a retry, a second worker
 * or a replayed stop finds the invoice issued, and the invoice number is taken in the invoice's transaction.
 * `billMany` bills a batch with a fixed number of queries (billing/invoices.ts, billing/timeline.ts).
 */
export class BillingService {
  constructor(
    private readonly deps: {
      orm: Orm;
      warehouse: Warehouse;
      tariffs: TariffService;
      events: EventBus;
      log: Logger;
      settlement?: Settlement;
      /** Told of each invoice issued (billing/receipts: the driver's receipt mail). */
      receipts?: { issuedMany(invoices: IssuedInvoice[]): Promise<void> };
      /** plans: a driver's plan applied to the price (billing/plans/hooks.ts). */
      plans?: Pick<PlanCoverage, 'apply' | 'consume' | 'subscribers'>;
      /** Days an invoice is due in. */
      dueDays?: number;
    },
  ) {}

  /** What a session costs (so far, while open), or null when no tariff applies. */
  async priceOf(sessionId: string, now = new Date()): Promise<Price | null> {
    const row = (await loadSessions(this.deps.orm, [sessionId.toLowerCase()])).get(sessionId.toLowerCase());
    if (!row) return null;
    const price = (await this.priceRows([row], now)).get(row.id) ?? null;
    // plans: the running cost is the bill, the driver's plan included.
    return price && this.deps.plans ? { ...price, priced: await this.deps.plans.apply(price.priced, row) } : price;
  }

  /** Bills an ended session once: issues its invoice to whoever pays, or marks it free or held, and settles it. */
  async bill(sessionId: string, now = new Date()): Promise<BillOutcome> {
    const [outcome] = await this.billMany([sessionId], now);
    return outcome as BillOutcome;
  }

  /** Bills sessions as `bill` does each, in one batch; the outcomes in the order of the ids. */
  async billMany(sessionIds: string[], now = new Date()): Promise<BillOutcome[]> {
    const wanted = sessionIds.map((id) => id.toLowerCase());
    const ids = [...new Set(wanted)];
    const rows = await loadSessions(this.deps.orm, ids);
    const outcomes = new Map<string, BillOutcome>();
    const marks: Mark[] = [];
    const toPrice: SessionRow[] = [];
    const billedBefore: string[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      const decided = row ? decideBeforePricing(row) : ({ kind: 'held', reason: `session ${id} not found` } as const);
      if (decided === 'price') toPrice.push(row as SessionRow);
      else if (decided === 'billed') billedBefore.push(id);
      else if ('mark' in decided) marks.push({ sessionId: id, status: decided.mark, reason: decided.reason });
      else outcomes.set(id, decided);
    }
    const prices = await this.priceRows(toPrice, now);
    const drafts: InvoiceDraft[] = [];
    for (const row of toPrice) {
      const mark = decideAfterPricing(row, prices.get(row.id) ?? null);
      if (mark) marks.push({ sessionId: row.id, ...mark });
      else drafts.push({ row, ...(prices.get(row.id) as Price) });
    }
    for (const mark of await this.mark(marks)) outcomes.set(mark.sessionId, { kind: mark.status, reason: mark.reason });
    const invoices = await this.issue(drafts, now);
    const issuedNow = new Set(invoices.map((invoice) => invoice.sessionId));
    billedBefore.push(...drafts.filter((draft) => !issuedNow.has(draft.row.id)).map((draft) => draft.row.id));
    for (const invoice of invoices) this.announce(invoice, rows.get(invoice.sessionId) as SessionRow, now);
    await this.deps.receipts?.issuedMany(invoices);
    await this.settle(invoices, outcomes);
    await this.settleExisting(billedBefore, outcomes);
    return wanted.map((id) => outcomes.get(id) as BillOutcome);
  }

  /** Prices sessions: their tariffs, readings and charging times read for all of them at once. */
  private async priceRows(rows: SessionRow[], now: Date): Promise<Map<string, Price | null>> {
    const tariffs = await this.tariffsOf(rows);
    const priced = rows.filter((row) => tariffs.get(row.id));
    const sessions = priced.map((row) => factsOf(row, now));
    const [readings, charging] = await Promise.all([
      sessionsReadings(this.deps.warehouse, sessions),
      sessionsCharging(this.deps.orm, sessions),
    ]);
    const prices = new Map<string, Price | null>(rows.map((row) => [row.id, null]));
    for (const session of sessions) {
      const tariff = tariffs.get(session.id) as Tariff;
      const timeline = {
        startedAt: session.startedAt,
        stoppedAt: session.stoppedAt,
        timeZone: session.timeZone,
        readings: readings.get(session.id) ?? [],
        charging: charging.get(session.id) ?? null,
      };
      prices.set(session.id, { priced: priceSession(tariff.definition, timeline), tariffVersionId: tariff.id });
    }
    return prices;
  }

  /** The tariff each session is priced with: the one recorded at its start, else the one in force then. */
  private async tariffsOf(rows: SessionRow[]): Promise<Map<string, Tariff | null>> {
    const recorded = [...new Set(rows.map((row) => row.tariff_version_id).filter((id) => id !== null))];
    const versions = new Map<string, Tariff>();
    if (recorded.length) {
      const found = await this.deps.orm.em
        .fork()
        .getConnection()
        .execute<Tariff[]>('select id, definition from tariff_version where id in (?)', [recorded]);
      for (const version of found) versions.set(version.id, version);
    }
    const tariffs = new Map<string, Tariff | null>();
    for (const row of rows) {
      const version = row.tariff_version_id ? versions.get(row.tariff_version_id) : undefined;
      tariffs.set(row.id, version ?? (await this.resolveTariff(row)));
    }
    return tariffs;
  }

  private async resolveTariff(row: SessionRow): Promise<Tariff | null> {
    const version = await this.deps.tariffs.resolve({
      stationId: row.station_id,
      connectorId: row.connector_id,
      idTokenId: row.id_token_id,
      at: row.started_at,
    });
    return version ? { id: version.id, definition: version.definition } : null;
  }

  /** Marks sessions still pending free or held, in one statement; those another worker decided first are left out. */
  private async mark(marks: Mark[]): Promise<Mark[]> {
    if (marks.length === 0) return [];
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `update charging_session c set billing_status = m.status, billing_hold = m.reason, updated_at = now()
         from unnest(array[?]::uuid[], array[?]::text[], array[?]::text[]) as m (id, status, reason)
         where c.id = m.id and c.billing_status = 'pending'`,
        [marks.map((m) => m.sessionId), marks.map((m) => m.status), marks.map((m) => m.reason.slice(0, 255))],
      );
    for (const { sessionId, status, reason } of marks) {
      if (status === 'held') this.deps.log.warn({ sessionId, reason }, 'billing: session held for review');
    }
    return marks;
  }

  /** Issues the invoices, one transaction per organisation. */
  private async issue(drafts: InvoiceDraft[], now: Date): Promise<IssuedInvoice[]> {
    const byOrganisation = new Map<string, InvoiceDraft[]>();
    for (const draft of drafts) {
      const organisationId = draft.row.organisation_id as string;
      const group = byOrganisation.get(organisationId);
      if (group) group.push(draft);
      else byOrganisation.set(organisationId, [draft]);
    }
    const consume = await this.planConsumer(drafts);
    const invoices: IssuedInvoice[] = [];
    for (const group of byOrganisation.values()) {
      invoices.push(...(await issueInvoices(this.deps.orm, group, { now, dueDays: this.deps.dueDays ?? 14, consume })));
    }
    return invoices;
  }

  /** plans: what takes a plan's share of a session in its invoice's transaction, asked only of the batch's subscribers. */
  private async planConsumer(drafts: InvoiceDraft[]) {
    const plans = this.deps.plans;
    if (!plans) return undefined;
    const owners = [...new Set(drafts.map((draft) => draft.row.owner_id).filter((id) => id !== null))];
    const subscribers = await plans.subscribers(owners);
    if (subscribers.size === 0) return undefined;
    return (em: EntityManager, priced: PricedSession, row: SessionRow) =>
      row.owner_id && subscribers.has(row.owner_id) ? plans.consume(em, priced, row) : Promise.resolve(priced);
  }

  private announce(invoice: IssuedInvoice, row: SessionRow, now: Date): void {
    void this.deps.events.publish('invoice.issued', {
      stationId: row.station_id,
      identity: row.identity,
      invoiceId: invoice.id,
      number: invoice.number,
      sessionId: invoice.sessionId,
      payerUserId: invoice.payerUserId,
      organisationId: invoice.organisationId,
      currency: invoice.currency,
      totalMinor: invoice.inclTaxMinor,
      at: now.toISOString(),
    });
  }

  /** Sessions billed before (a retry, another worker): their invoices, settled if they are still open. */
  private async settleExisting(sessionIds: string[], outcomes: Map<string, BillOutcome>): Promise<void> {
    const found = await invoicesOf(this.deps.orm, sessionIds);
    const open: IssuedInvoice[] = [];
    for (const id of sessionIds) {
      const row = found.get(id);
      if (!row) outcomes.set(id, { kind: 'held', reason: 'billed without an invoice' });
      else if (row.status === 'open') open.push(issued(row));
      // Paid, or void (credited in full while open): nothing more to take.
      else outcomes.set(id, { kind: 'billed', invoice: issued(row), paid: row.status === 'paid' });
    }
    await this.settle(open, outcomes);
  }

  /** Settles the invoices (when evcms settles any) and records each as billed, paid or not. */
  private async settle(all: IssuedInvoice[], outcomes: Map<string, BillOutcome>): Promise<void> {
    // plans: an invoice the plan paid in full was issued paid; nothing to take.
    for (const invoice of all.filter((i) => i.inclTaxMinor === 0)) outcomes.set(invoice.sessionId, { kind: 'billed', invoice, paid: true });
    const invoices = all.filter((invoice) => invoice.inclTaxMinor !== 0);
    const paid = this.deps.settlement && invoices.length ? await this.deps.settlement.settle(invoices) : [];
    for (const [i, invoice] of invoices.entries()) outcomes.set(invoice.sessionId, { kind: 'billed', invoice, paid: paid[i] ?? false });
    const paidIds = invoices.filter((_, i) => paid[i]).map((invoice) => invoice.id);
    if (paidIds.length) {
      await this.deps.orm.em
        .fork()
        .getConnection()
        .execute(`update invoice set status = 'paid', paid_at = now() where id in (?) and status = 'open'`, [paidIds]);
    }
  }
}

type Tariff = { id: string; definition: TariffDefinition };
type Price = { priced: PricedSession; tariffVersionId: string };
type Mark = { sessionId: string; status: 'free' | 'held'; reason: string };
type Decision = BillOutcome | 'price' | 'billed' | { mark: 'free' | 'held'; reason: string };

/** What is decided from the row alone: open, billed or decided before, held for its readings or operator, or to price. */
function decideBeforePricing(row: SessionRow): Decision {
  if (row.state === 'Active') return { kind: 'open', reason: 'the session has not ended' };
  if (row.billing_status === 'billed') return 'billed';
  if (row.billing_status !== 'pending') return { kind: row.billing_status === 'free' ? 'free' : 'held', reason: 'decided before' };
  const hold = holdReason({
    flags: row.flags,
    startedAt: row.started_at,
    stoppedAt: row.stopped_at,
    energyWh: row.energy_wh === null ? null : Number(row.energy_wh),
  });
  // An operator released it (api: releaseSession): billed as it stands, the flags kept for the record.
  const released = row.billing_hold?.startsWith('released by ') ?? false;
  if (hold && !released) return { mark: 'held', reason: hold };
  if (!row.organisation_id) return { mark: 'held', reason: 'no-operator: the station belongs to no organisation' };
  return 'price';
}

/** Free when no tariff applies or it costs nothing; held when nobody pays; else null: it is invoiced. */
function decideAfterPricing(row: SessionRow, price: Price | null): Omit<Mark, 'sessionId'> | null {
  if (!price) return { status: 'free', reason: 'no tariff applies to this station' };
  if (price.priced.totals.inclTaxMinor === 0) return { status: 'free', reason: price.priced.adjustments[0]?.reason ?? 'costs nothing' };
  if (!row.owner_id && !row.token_organisation_id)
    return { status: 'held', reason: 'no-payer: the credential belongs to no driver and no fleet' };
  return null;
}
