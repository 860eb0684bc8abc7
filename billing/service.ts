import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import type { Warehouse } from '../warehouse/client.js';
import { holdReason } from './holds.js';
import type { PlanCoverage } from './plans/hooks.js';
import { takeInvoiceNumber } from './invoice-number.js';
import { priceSession } from './pricing/index.js';
import type { PricedSession, TariffDefinition } from './tariff-model.js';
import type { TariffService } from './tariffs.js';
import { chargingIntervals, type SessionFacts, sessionReadings } from './timeline.js';

/** How an invoice is paid once issued (the wallet ledger); absent, invoices stay open for the payments to settle. */
export interface Settlement {
  /** Debits the payer's wallet for the invoice, once per invoice whatever the retries; false when it cannot. */
  settle(invoice: IssuedInvoice): Promise<boolean>;
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

interface SessionRow {
  id: string;
  transaction_id: string;
  station_id: string;
  identity: string;
  organisation_id: string | null;
  slug: string | null;
  connector_id: number;
  id_token_id: string | null;
  owner_id: string | null;
  token_organisation_id: string | null;
  state: string;
  started_at: Date;
  stopped_at: Date | null;
  meter_start_wh: string | null;
  energy_wh: string | null;
  flags: string[];
  billing_status: string;
  billing_hold: string | null;
  tariff_version_id: string | null;
  time_zone: string | null;
}

const sessionQuery = `
  select t.id, t.transaction_id, t.station_id, s.identity, s.organisation_id, o.slug, t.connector_id, t.id_token_id,
    k.owner_id, k.organisation_id as token_organisation_id, t.state, t.started_at, t.stopped_at, t.meter_start_wh, t.energy_wh,
    t.flags, t.billing_status, t.billing_hold, t.tariff_version_id, site.time_zone
  from charging_session t join station s on s.id = t.station_id
    left join organisation o on o.id = s.organisation_id left join site on site.id = s.site_id
    left join id_token k on k.id = t.id_token_id
  where t.id = ?`;

const facts = (row: SessionRow, now: Date): SessionFacts => ({
  id: row.id,
  transactionId: row.transaction_id,
  stationId: row.station_id,
  identity: row.identity,
  connectorId: row.connector_id,
  startedAt: row.started_at,
  stoppedAt: row.stopped_at ?? now,
  meterStartWh: row.meter_start_wh === null ? null : Number(row.meter_start_wh),
  energyWh: row.state === 'Active' ? null : row.energy_wh === null ? null : Number(row.energy_wh),
  timeZone: row.time_zone ?? 'UTC',
});

/**
 * Sessions priced and billed. `priceOf` is the one way a session is priced, open (its running cost) or ended
 * (its bill), so the running cost at the stop is the bill. `bill` is idempotent: a retry, a second worker
 * or a replayed stop finds the invoice issued, and the invoice number is taken in the invoice's transaction.
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
      receipts?: { issued(invoice: IssuedInvoice): Promise<void> };
      /** plans: a driver's plan applied to the price (billing/plans/hooks.ts). */
      plans?: Pick<PlanCoverage, 'apply' | 'consume'>;
      /** Days an invoice is due in. */
      dueDays?: number;
    },
  ) {}

  private async session(sessionId: string): Promise<SessionRow | null> {
    const rows = await this.deps.orm.em.fork().getConnection().execute<SessionRow[]>(sessionQuery, [sessionId]);
    const row = rows[0];
    // Raw rows carry times as PostgreSQL wrote them.
    return row
      ? { ...row, started_at: new Date(row.started_at), stopped_at: row.stopped_at === null ? null : new Date(row.stopped_at) }
      : null;
  }

  /** The tariff a session is priced with: the one recorded at its start, else the one in force then. */
  private async tariffOf(row: SessionRow): Promise<{ id: string; definition: TariffDefinition } | null> {
    if (row.tariff_version_id) {
      const rows = await this.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ id: string; definition: TariffDefinition }[]>('select id, definition from tariff_version where id = ?', [
          row.tariff_version_id,
        ]);
      if (rows[0]) return rows[0];
    }
    const version = await this.deps.tariffs.resolve({
      stationId: row.station_id,
      connectorId: row.connector_id,
      idTokenId: row.id_token_id,
      at: row.started_at,
    });
    return version ? { id: version.id, definition: version.definition } : null;
  }

  /** What a session costs (so far, while open), or null when no tariff applies. */
  async priceOf(sessionId: string, now = new Date()): Promise<{ priced: PricedSession; tariffVersionId: string } | null> {
    const row = await this.session(sessionId);
    if (!row) return null;
    const price = await this.priceRow(row, now);
    // plans: the running cost is the bill, the driver's plan included.
    return price && this.deps.plans ? { ...price, priced: await this.deps.plans.apply(price.priced, row) } : price;
  }

  private async priceRow(row: SessionRow, now: Date): Promise<{ priced: PricedSession; tariffVersionId: string } | null> {
    const tariff = await this.tariffOf(row);
    if (!tariff) return null;
    const session = facts(row, now);
    const [readings, charging] = await Promise.all([
      sessionReadings(this.deps.warehouse, session),
      chargingIntervals(this.deps.orm, session),
    ]);
    const priced = priceSession(tariff.definition, {
      startedAt: session.startedAt,
      stoppedAt: session.stoppedAt,
      timeZone: session.timeZone,
      readings,
      charging,
    });
    return { priced, tariffVersionId: tariff.id };
  }

  /** Bills an ended session once: issues its invoice to whoever pays, or marks it free or held, and settles it. */
  async bill(sessionId: string, now = new Date()): Promise<BillOutcome> {
    const row = await this.session(sessionId);
    if (!row) return { kind: 'held', reason: `session ${sessionId} not found` };
    if (row.state === 'Active') return { kind: 'open', reason: 'the session has not ended' };
    if (row.billing_status === 'billed') return this.settleExisting(sessionId);
    if (row.billing_status !== 'pending') return { kind: row.billing_status === 'free' ? 'free' : 'held', reason: 'decided before' };
    const hold = holdReason({
      flags: row.flags,
      startedAt: row.started_at,
      stoppedAt: row.stopped_at,
      energyWh: row.energy_wh === null ? null : Number(row.energy_wh),
    });
    // An operator released it (api: releaseSession): billed as it stands, the flags kept for the record.
    const released = row.billing_hold?.startsWith('released by ') ?? false;
    if (hold && !released) return this.mark(sessionId, 'held', hold);
    if (!row.organisation_id) return this.mark(sessionId, 'held', 'no-operator: the station belongs to no organisation');
    const price = await this.priceRow(row, now);
    if (!price) return this.mark(sessionId, 'free', 'no tariff applies to this station');
    if (price.priced.totals.inclTaxMinor === 0) return this.mark(sessionId, 'free', price.priced.adjustments[0]?.reason ?? 'costs nothing');
    if (!row.owner_id && !row.token_organisation_id)
      return this.mark(sessionId, 'held', 'no-payer: the credential belongs to no driver and no fleet');
    const invoice = await this.issue(row, price, now);
    if (!invoice) return this.settleExisting(sessionId);
    void this.deps.events.publish('invoice.issued', {
      stationId: row.station_id,
      identity: row.identity,
      invoiceId: invoice.id,
      number: invoice.number,
      sessionId,
      payerUserId: invoice.payerUserId,
      organisationId: invoice.organisationId,
      currency: invoice.currency,
      totalMinor: invoice.inclTaxMinor,
      at: now.toISOString(),
    });
    await this.deps.receipts?.issued(invoice);
    // plans: an invoice the plan paid in full was issued paid.
    return { kind: 'billed', invoice, paid: invoice.inclTaxMinor === 0 || (await this.settle(invoice)) };
  }

  private async mark(sessionId: string, status: 'free' | 'held', reason: string): Promise<BillOutcome> {
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `update charging_session set billing_status = ?, billing_hold = ?, updated_at = now() where id = ? and billing_status = 'pending'`,
        [status, reason.slice(0, 255), sessionId],
      );
    if (status === 'held') this.deps.log.warn({ sessionId, reason }, 'billing: session held for review');
    return { kind: status, reason };
  }

  /** Takes the next number and writes the invoice in one transaction; null when another worker issued it first. */
  private async issue(
    row: SessionRow,
    price: { priced: PricedSession; tariffVersionId: string },
    now: Date,
  ): Promise<IssuedInvoice | null> {
    const organisationId = row.organisation_id as string;
    return this.deps.orm.em.fork().transactional(async (em) => {
      const locked = await em.execute<{ billing_status: string }[]>('select billing_status from charging_session where id = ? for update', [
        row.id,
      ]);
      if (locked[0]?.billing_status !== 'pending') return null;
      // plans: the driver's plan takes its share, its period locked until this invoice commits; fully covered is paid.
      const priced = this.deps.plans ? await this.deps.plans.consume(em, price.priced, row) : price.priced;
      const { totals, currency } = priced;
      const status = totals.inclTaxMinor === 0 ? 'paid' : 'open';
      const number = await takeInvoiceNumber(em, organisationId, row.slug ?? 'INV', now);
      const payerUserId = row.owner_id;
      const payerOrganisationId = payerUserId ? null : row.token_organisation_id;
      const due = new Date(now.getTime() + (this.deps.dueDays ?? 14) * 86_400_000);
      const [inserted] = await em.execute<{ id: string }[]>(
        `insert into invoice (id, organisation_id, number, kind, session_id, payer_user_id, payer_organisation_id, currency,
           excl_tax_minor, tax_minor, incl_tax_minor, priced, tariff_version_id, status, issued_at, due_at, paid_at)
         values (gen_random_uuid(), ?, ?, 'invoice', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) returning id`,
        [
          organisationId,
          number,
          row.id,
          payerUserId,
          payerOrganisationId,
          currency,
          totals.exclTaxMinor,
          totals.taxMinor,
          totals.inclTaxMinor,
          JSON.stringify(priced),
          price.tariffVersionId,
          status,
          now,
          due,
          status === 'paid' ? now : null,
        ],
      );
      await em.execute(`update charging_session set billing_status = 'billed', billing_hold = null, updated_at = now() where id = ?`, [
        row.id,
      ]);
      return {
        id: inserted?.id as string,
        number,
        organisationId,
        sessionId: row.id,
        payerUserId,
        payerOrganisationId,
        currency,
        exclTaxMinor: totals.exclTaxMinor,
        taxMinor: totals.taxMinor,
        inclTaxMinor: totals.inclTaxMinor,
      };
    });
  }

  private async settleExisting(sessionId: string): Promise<BillOutcome> {
    const rows = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<InvoiceRow[]>(
        `select id, number, organisation_id, session_id, payer_user_id, payer_organisation_id, currency, excl_tax_minor, tax_minor,
         incl_tax_minor, status from invoice where session_id = ? and kind = 'invoice'`,
        [sessionId],
      );
    const row = rows[0];
    if (!row) return { kind: 'held', reason: 'billed without an invoice' };
    const invoice = issued(row);
    return { kind: 'billed', invoice, paid: row.status === 'paid' || (await this.settle(invoice)) };
  }

  private async settle(invoice: IssuedInvoice): Promise<boolean> {
    if (!this.deps.settlement) return false;
    const paid = await this.deps.settlement.settle(invoice);
    if (paid) {
      await this.deps.orm.em
        .fork()
        .getConnection()
        .execute(`update invoice set status = 'paid', paid_at = now() where id = ? and status = 'open'`, [invoice.id]);
    }
    return paid;
  }
}

interface InvoiceRow {
  id: string;
  number: string;
  organisation_id: string;
  session_id: string;
  payer_user_id: string | null;
  payer_organisation_id: string | null;
  currency: string;
  excl_tax_minor: string;
  tax_minor: string;
  incl_tax_minor: string;
  status: string;
}

const issued = (row: InvoiceRow): IssuedInvoice => ({
  id: row.id,
  number: row.number,
  organisationId: row.organisation_id,
  sessionId: row.session_id,
  payerUserId: row.payer_user_id,
  payerOrganisationId: row.payer_organisation_id,
  currency: row.currency,
  exclTaxMinor: Number(row.excl_tax_minor),
  taxMinor: Number(row.tax_minor),
  inclTaxMinor: Number(row.incl_tax_minor),
});
