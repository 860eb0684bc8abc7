import type { Execute } from './attempts.js';

/** One payment whose money and ledger disagree: what the attempt says was taken and given back, and what the books say. */
export interface ReconciliationDifference {
  paymentId: string;
  provider: string;
  state: string;
  capturedMinor: number;
  ledgerCapturedMinor: number;
  refundedMinor: number;
  ledgerRefundedMinor: number;
}

export interface ReconciliationReport {
  checked: number;
  differences: ReconciliationDifference[];
}

interface Row {
  id: string;
  provider: string;
  state: string;
  captured_minor: string;
  ledger_captured: string;
  refunded_minor: string;
  ledger_refunded: string;
}

/**
 * Compares every payment that took money (or that the ledger says took some) with its ledger postings, in one
 * query: what was captured must be what the capture posting (`payment:<id>`, or `session:<id>` for the wallet
 * paying a session's invoice) took from its source, and what was refunded the sum of its `refund` postings. A
 * posting without a captured payment counts too. There must be no difference; each one is for a person.
 */
export async function reconcilePayments(execute: Execute, since: Date): Promise<ReconciliationReport> {
  const rows = await execute<Row[]>(
    `with capture as (
       select a.id, -sum(e.amount_minor) filter (where e.amount_minor < 0) as taken
       from payment_attempt a
       join invoice i on i.id = a.invoice_id and a.provider = 'wallet'
       join ledger_transaction t on t.idempotency_key = 'session:' || i.session_id::text
       join ledger_entry e on e.transaction_id = t.id
       where a.state in ('captured', 'refunded') and a.updated_at >= ?
       group by a.id
       union all
       select a.id, -sum(e.amount_minor) filter (where e.amount_minor < 0)
       from payment_attempt a
       join ledger_transaction t on t.idempotency_key = 'payment:' || a.id::text
       join ledger_entry e on e.transaction_id = t.id
       where a.updated_at >= ?
       group by a.id
     ),
     refunded as (
       select a.id, sum(e.amount_minor) filter (where e.amount_minor > 0) as given
       from payment_attempt a
       join ledger_transaction t on t.kind = 'refund' and t.reference = a.id::text
       join ledger_entry e on e.transaction_id = t.id
       where a.updated_at >= ?
       group by a.id
     )
     select a.id, a.provider, a.state, a.captured_minor, coalesce(sum(c.taken), 0) as ledger_captured,
       a.refunded_minor, coalesce(max(r.given), 0) as ledger_refunded
     from payment_attempt a
     left join capture c on c.id = a.id
     left join refunded r on r.id = a.id
     where a.updated_at >= ? and (a.captured_minor > 0 or c.id is not null or r.id is not null)
     group by a.id, a.provider, a.state, a.captured_minor, a.refunded_minor`,
    [since, since, since, since],
  );
  const differences = rows
    .map((row) => ({
      paymentId: row.id,
      provider: row.provider,
      state: row.state,
      capturedMinor: Number(row.captured_minor),
      ledgerCapturedMinor: Number(row.ledger_captured),
      refundedMinor: Number(row.refunded_minor),
      ledgerRefundedMinor: Number(row.ledger_refunded),
    }))
    .filter((row) => row.capturedMinor !== row.ledgerCapturedMinor || row.refundedMinor !== row.ledgerRefundedMinor);
  return { checked: rows.length, differences };
}
