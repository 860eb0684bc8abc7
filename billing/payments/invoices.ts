import type { Execute } from './attempts.js';

/** An invoice as a payment of it sees it: who pays, and what is still due (less its credit notes). */
export interface DueInvoice {
  id: string;
  organisationId: string;
  number: string;
  kind: string;
  status: string;
  payerUserId: string | null;
  sessionId: string | null;
  currency: string;
  dueMinor: number;
  taxDueMinor: number;
}

interface DueRow {
  id: string;
  organisation_id: string;
  number: string;
  kind: string;
  status: string;
  payer_user_id: string | null;
  session_id: string | null;
  currency: string;
  due_minor: string;
  tax_due_minor: string;
}

/** The invoice and what is due of it; `lock` takes its row for the caller's transaction. */
export async function dueInvoice(execute: Execute, id: string, { lock = false } = {}): Promise<DueInvoice | null> {
  const [row] = await execute<DueRow[]>(
    `select i.id, i.organisation_id, i.number, i.kind, i.status, i.payer_user_id, i.session_id, i.currency,
       i.incl_tax_minor - coalesce((select sum(c.incl_tax_minor) from invoice c where c.credit_of_id = i.id), 0) as due_minor,
       i.tax_minor - coalesce((select sum(c.tax_minor) from invoice c where c.credit_of_id = i.id), 0) as tax_due_minor
     from invoice i where i.id = ?${lock ? ' for update of i' : ''}`,
    [id],
  );
  if (!row) return null;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    number: row.number,
    kind: row.kind,
    status: row.status,
    payerUserId: row.payer_user_id,
    sessionId: row.session_id,
    currency: row.currency,
    dueMinor: Number(row.due_minor),
    taxDueMinor: Number(row.tax_due_minor),
  };
}
