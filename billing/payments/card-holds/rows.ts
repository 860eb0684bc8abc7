import type { HeldStart } from '../../../schema/entities/payment.js';
import { attemptColumns, attemptView, type Execute, type PaymentAttemptView } from '../attempts.js';

/** A history line that is no move: the attempt stays in `state`. */
const note = (state: string, cause: string, now: Date) => JSON.stringify([{ from: state, to: state, at: now.toISOString(), cause }]);

/**
 * Claims an authorised hold for its one remote start (reason STARTING): false when it is not authorised, already
 * pays a session, or another request is starting on it (a retry of the same start while the first runs).
 */
export async function claimStart(execute: Execute, id: string, cause: string, now: Date): Promise<boolean> {
  const rows = await execute<{ id: string }[]>(
    `update payment_attempt set reason = 'STARTING', history = history || ?::jsonb, updated_at = ?
     where id = ? and state = 'authorised' and session_id is null and reason is distinct from 'STARTING' returning id`,
    [note('authorised', cause, now), now, id],
  );
  return rows.length > 0;
}

/** The session a hold pays, once; false when the hold pays one already. */
export async function bindSession(execute: Execute, id: string, sessionId: string, now: Date): Promise<boolean> {
  const rows = await execute<{ id: string }[]>(
    `update payment_attempt set session_id = ?, reason = 'CHARGING', history = history || ?::jsonb, updated_at = ?
     where id = ? and session_id is null returning id`,
    [sessionId, note('authorised', `session ${sessionId} started on the hold`, now), now, id],
  );
  return rows.length > 0;
}

/** Notes why evcms acts on a hold (reason and a history line), whatever its state. */
export async function noteHold(execute: Execute, hold: PaymentAttemptView, reason: string, cause: string, now: Date): Promise<void> {
  await execute(`update payment_attempt set reason = ?, history = history || ?::jsonb, updated_at = ? where id = ?`, [
    reason,
    note(hold.state, cause, now),
    now,
    hold.id,
  ]);
}

/** The invoice a hold is captured for (once: a hold pays one invoice); false when it was linked to another. */
export async function linkInvoice(execute: Execute, id: string, invoiceId: string): Promise<boolean> {
  const rows = await execute<{ id: string }[]>(
    `update payment_attempt set invoice_id = ?, updated_at = now() where id = ? and (invoice_id is null or invoice_id = ?) returning id`,
    [invoiceId, id, invoiceId],
  );
  return rows.length > 0;
}

/** The authorised holds paying these sessions, by session id. */
export async function holdsOfSessions(execute: Execute, sessionIds: string[]): Promise<Map<string, PaymentAttemptView>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await execute<Parameters<typeof attemptView>[0][]>(
    `select ${attemptColumns} from payment_attempt where purpose = 'session' and state = 'authorised' and session_id in (?)`,
    [sessionIds],
  );
  return new Map(rows.map((row) => [row.session_id as string, attemptView(row)]));
}

/** A hold still open, with what became of its session: what the sweep decides from. */
export interface OpenHold {
  attempt: PaymentAttemptView;
  session: { state: string; billingStatus: string; identity: string; transactionId: string } | null;
  invoice: { id: string; status: string } | null;
}

/** The holds still open (asked, authorised), oldest first, with their sessions and invoices. */
export async function openHolds(execute: Execute, limit = 500): Promise<OpenHold[]> {
  const rows = await execute<
    (Parameters<typeof attemptView>[0] & {
      s_state: string | null;
      s_billing: string | null;
      s_identity: string | null;
      s_transaction: string | null;
      i_id: string | null;
      i_status: string | null;
    })[]
  >(
    `select ${attemptColumns.replaceAll(/(\w+)/g, 'pa.$1')}, s.state as s_state, s.billing_status as s_billing,
       st.identity as s_identity, s.transaction_id as s_transaction, i.id as i_id, i.status as i_status
     from payment_attempt pa
       left join charging_session s on s.id = pa.session_id
       left join station st on st.id = s.station_id
       left join invoice i on i.session_id = s.id and i.kind = 'invoice'
     where pa.purpose = 'session' and pa.state in ('pending', 'requires_action', 'authorised')
     order by pa.created_at limit ?`,
    [limit],
  );
  return rows.map((row) => ({
    attempt: attemptView(row),
    session: row.s_state
      ? {
          state: row.s_state,
          billingStatus: row.s_billing as string,
          identity: row.s_identity as string,
          transactionId: row.s_transaction as string,
        }
      : null,
    invoice: row.i_id ? { id: row.i_id, status: row.i_status as string } : null,
  }));
}

/** The session a remote start on a hold began, received since `since` and paid by no other hold (a crash lost the link). */
export async function sessionOfStart(execute: Execute, start: HeldStart, since: Date): Promise<string | null> {
  const rows = await execute<{ id: string }[]>(
    `select s.id from charging_session s
     where s.station_id = ? and s.id_tag = ? and s.start_received_at >= ?
       and not exists (select 1 from payment_attempt p where p.session_id = s.id)
     order by s.start_received_at limit 1`,
    [start.stationId, start.idTag, since],
  );
  return rows[0]?.id ?? null;
}
