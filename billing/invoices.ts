import { randomBytes } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../database/orm.js';
import { takeInvoiceNumbers } from './invoice-number.js';
import type { IssuedInvoice } from './service.js';
import type { SessionRow } from './session-rows.js';
import type { PricedSession } from './tariff-model.js';

/** A session to invoice, priced, with whoever pays it. */
export interface InvoiceDraft {
  row: SessionRow;
  priced: PricedSession;
  tariffVersionId: string;
}

const invoiceColumns = `id, number, organisation_id, session_id, payer_user_id, payer_organisation_id, currency, excl_tax_minor,
  tax_minor, incl_tax_minor, status`;

/** An invoice row as PostgreSQL gives it back. */
export interface InvoiceRow {
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

export const issued = (row: InvoiceRow): IssuedInvoice => ({
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

/** The invoices of these sessions (not their credit notes), by session id. */
export async function invoicesOf(orm: Orm, sessionIds: string[]): Promise<Map<string, InvoiceRow>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<InvoiceRow[]>(`select ${invoiceColumns} from invoice where session_id in (?) and kind = 'invoice'`, [sessionIds]);
  return new Map(rows.map((row) => [row.session_id, row]));
}

/**
 * Issues the invoices of one organisation's sessions in one transaction: the sessions still pending are locked (in
 * id order, so two batches never wait on each other in a cycle) and marked billed, then they take consecutive
 * numbers of the gap-free series, whose counter row stays locked until the invoices are written and committed.
 * A session another worker billed first is left out: it has its invoice already.
 */
export async function issueInvoices(
  orm: Orm,
  drafts: InvoiceDraft[],
  options: {
    now: Date;
    dueDays: number;
    /** plans: the driver's plan takes its share, its period locked until these invoices commit (billing/plans/hooks.ts). */
    consume?: (em: EntityManager, priced: PricedSession, row: SessionRow) => Promise<PricedSession>;
  },
): Promise<IssuedInvoice[]> {
  const first = drafts[0];
  if (!first) return [];
  const organisationId = first.row.organisation_id as string;
  if (drafts.some((draft) => draft.row.organisation_id !== organisationId)) throw new Error('invoices: one organisation per batch');
  const { now } = options;
  const due = new Date(now.getTime() + options.dueDays * 86_400_000);
  return orm.em.fork().transactional(async (em) => {
    const locked = await em.execute<{ id: string }[]>(
      `select id from charging_session where id in (?) and billing_status = 'pending' order by id for update`,
      [drafts.map((draft) => draft.row.id)],
    );
    const pending = new Set(locked.map((row) => row.id));
    const billable = drafts.filter((draft) => pending.has(draft.row.id));
    if (billable.length === 0) return [];
    // In turn: a driver's second session in the batch sees what the first used of the plan's energy.
    if (options.consume) for (const draft of billable) draft.priced = await options.consume(em as EntityManager, draft.priced, draft.row);
    await em.execute(`update charging_session set billing_status = 'billed', billing_hold = null, updated_at = now() where id in (?)`, [
      billable.map((draft) => draft.row.id),
    ]);
    const numbers = await takeInvoiceNumbers(em, organisationId, first.row.slug ?? 'INV', now, billable.length);
    const invoices = billable.map((draft, i) => invoiceOf(draft, numbers[i] as string));
    const tag = `$j${randomBytes(8).toString('hex')}$`;
    const inserted = await em.execute<{ id: string; session_id: string }[]>(
      `insert into invoice (id, organisation_id, number, kind, session_id, payer_user_id, payer_organisation_id, currency,
         excl_tax_minor, tax_minor, incl_tax_minor, priced, tariff_version_id, status, issued_at, due_at, paid_at)
       values ${billable.map(() => '(gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)').join(', ')}
       returning id, session_id`,
      billable.flatMap((draft, i) => {
        const invoice = invoices[i] as IssuedInvoice;
        // plans: a session the plan covers in full is invoiced 0, paid.
        const paid = invoice.inclTaxMinor === 0;
        return [
          organisationId,
          invoice.number,
          'invoice',
          invoice.sessionId,
          invoice.payerUserId,
          invoice.payerOrganisationId,
          invoice.currency,
          invoice.exclTaxMinor,
          invoice.taxMinor,
          invoice.inclTaxMinor,
          jsonLiteral(JSON.stringify(draft.priced), tag),
          draft.tariffVersionId,
          paid ? 'paid' : 'open',
          now,
          due,
          paid ? now : null,
        ];
      }),
    );
    const ids = new Map(inserted.map((row) => [row.session_id, row.id]));
    for (const invoice of invoices) invoice.id = ids.get(invoice.sessionId) as string;
    return invoices;
  });
}

/**
 * JSON as a dollar-quoted SQL literal. MikroORM writes parameters into the statement's text, and its escaping,
 * a character at a time, cost 180 µs per priced session (bench:billing: 90 ms of 500 invoices); dollar quoting
 * takes the text as it is, between tags it does not contain (whatever the server's string settings).
 */
function jsonLiteral(json: string, tag: string) {
  let quote = tag;
  while (json.includes(quote)) quote = `$j${randomBytes(8).toString('hex')}$`;
  return raw(`${quote}${json}${quote}`);
}

/** A driver's credential bills the driver; a fleet's card with no driver, the fleet. */
function invoiceOf(draft: InvoiceDraft, number: string): IssuedInvoice {
  const { row, priced } = draft;
  const payerUserId = row.owner_id;
  return {
    id: '',
    number,
    organisationId: row.organisation_id as string,
    sessionId: row.id,
    payerUserId,
    payerOrganisationId: payerUserId ? null : row.token_organisation_id,
    currency: priced.currency,
    exclTaxMinor: priced.totals.exclTaxMinor,
    taxMinor: priced.totals.taxMinor,
    inclTaxMinor: priced.totals.inclTaxMinor,
  };
}
