import { randomUUID } from 'node:crypto';
import type { HeldStart, PaymentTransition } from '../../schema/entities/payment.js';
import type { PaymentPurpose, ProviderName } from './provider.js';
import type { PaymentState } from './states.js';

/** One payment attempt as the rest of evcms reads it (the row of payment_attempt). */
export interface PaymentAttemptView {
  id: string;
  organisationId: string;
  payerUserId: string | null;
  payerMsisdn: string | null;
  provider: ProviderName;
  providerReference: string | null;
  providerTransactionId: string | null;
  idempotencyKey: string;
  purpose: PaymentPurpose;
  invoiceId: string | null;
  /** A card hold's session, once the station started it, and the remote start it was made for. */
  sessionId: string | null;
  heldStart: HeldStart | null;
  amountMinor: number;
  currency: string;
  state: PaymentState;
  reason: string | null;
  action: Record<string, unknown> | null;
  capturedMinor: number;
  refundedMinor: number;
  history: PaymentTransition[];
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type Execute = <T>(query: string, params?: unknown[]) => Promise<T>;

interface AttemptRow {
  id: string;
  organisation_id: string;
  payer_user_id: string | null;
  payer_msisdn: string | null;
  provider: ProviderName;
  provider_reference: string | null;
  provider_transaction_id: string | null;
  idempotency_key: string;
  purpose: PaymentPurpose;
  invoice_id: string | null;
  session_id: string | null;
  held_start: HeldStart | null;
  amount_minor: string;
  currency: string;
  state: PaymentState;
  reason: string | null;
  action: Record<string, unknown> | null;
  captured_minor: string;
  refunded_minor: string;
  history: PaymentTransition[] | string;
  deadline_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const attemptColumns = `id, organisation_id, payer_user_id, payer_msisdn, provider, provider_reference, provider_transaction_id,
  idempotency_key, purpose, invoice_id, session_id, held_start, amount_minor, currency, state, reason, action, captured_minor, refunded_minor, history,
  deadline_at, created_at, updated_at`;

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));

export function attemptView(row: AttemptRow): PaymentAttemptView {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    payerUserId: row.payer_user_id,
    payerMsisdn: row.payer_msisdn,
    provider: row.provider,
    providerReference: row.provider_reference,
    providerTransactionId: row.provider_transaction_id,
    idempotencyKey: row.idempotency_key,
    purpose: row.purpose,
    invoiceId: row.invoice_id,
    sessionId: row.session_id,
    heldStart: row.held_start,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    state: row.state,
    reason: row.reason,
    action: row.action,
    capturedMinor: Number(row.captured_minor),
    refundedMinor: Number(row.refunded_minor),
    history: typeof row.history === 'string' ? (JSON.parse(row.history) as PaymentTransition[]) : row.history,
    deadlineAt: row.deadline_at === null ? null : date(row.deadline_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export interface NewAttempt {
  organisationId: string;
  payerUserId: string | null;
  payerMsisdn: string | null;
  provider: ProviderName;
  idempotencyKey: string;
  purpose: PaymentPurpose;
  invoiceId: string | null;
  /** For a card hold (purpose `session`): the remote start it is made for. */
  heldStart?: HeldStart | null;
  amountMinor: number;
  currency: string;
  deadlineAt: Date;
  /** Why it was made, the first line of its history. */
  cause: string;
}

/**
 * Writes a new attempt (`pending`, its own id as the provider reference), or finds the one its idempotency key
 * made before (`created: false`). Null when another payment of the same invoice is under way.
 */
export async function insertAttempt(
  execute: Execute,
  input: NewAttempt,
  now: Date,
): Promise<{ attempt: PaymentAttemptView; created: boolean } | null> {
  const history: PaymentTransition[] = [{ from: null, to: 'pending', at: now.toISOString(), cause: input.cause }];
  const id = randomUUID();
  const inserted = await execute<AttemptRow[]>(
    `insert into payment_attempt (id, organisation_id, payer_user_id, payer_msisdn, provider, provider_reference, idempotency_key,
       purpose, invoice_id, held_start, amount_minor, currency, state, history, deadline_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'pending', ?::jsonb, ?, ?, ?)
     on conflict do nothing returning ${attemptColumns}`,
    [
      id,
      input.organisationId,
      input.payerUserId,
      input.payerMsisdn,
      input.provider,
      id,
      input.idempotencyKey,
      input.purpose,
      input.invoiceId,
      input.heldStart ? JSON.stringify(input.heldStart) : null,
      input.amountMinor,
      input.currency,
      JSON.stringify(history),
      input.deadlineAt,
      now,
      now,
    ],
  );
  if (inserted[0]) return { attempt: attemptView(inserted[0]), created: true };
  const [earlier] = await execute<AttemptRow[]>(`select ${attemptColumns} from payment_attempt where idempotency_key = ?`, [
    input.idempotencyKey,
  ]);
  return earlier ? { attempt: attemptView(earlier), created: false } : null;
}

export async function findAttempt(execute: Execute, id: string, { lock = false } = {}): Promise<PaymentAttemptView | null> {
  const rows = await execute<AttemptRow[]>(`select ${attemptColumns} from payment_attempt where id = ?${lock ? ' for update' : ''}`, [id]);
  return rows[0] ? attemptView(rows[0]) : null;
}

export async function findByReference(execute: Execute, provider: ProviderName, reference: string): Promise<PaymentAttemptView | null> {
  const rows = await execute<AttemptRow[]>(`select ${attemptColumns} from payment_attempt where provider = ? and provider_reference = ?`, [
    provider,
    reference,
  ]);
  return rows[0] ? attemptView(rows[0]) : null;
}

export interface AttemptChange {
  state: PaymentState;
  /** Appended to the history: a move, or a note of the same state (why evcms stopped waiting, an anomaly). */
  entry: PaymentTransition;
  reason?: string | null;
  transactionId?: string | null;
  capturedMinor?: number;
  action?: Record<string, unknown> | null;
  /** The provider's own id of the payment, once it chose one (a Stripe PaymentIntent). */
  providerReference?: string | null;
}

/** Writes a change of a locked attempt; what a change leaves out stays as it was. */
export async function recordChange(execute: Execute, id: string, change: AttemptChange, now: Date): Promise<PaymentAttemptView> {
  const rows = await execute<AttemptRow[]>(
    `update payment_attempt set state = ?, history = history || ?::jsonb,
       reason = case when ?::boolean then ? else reason end,
       provider_transaction_id = coalesce(?, provider_transaction_id),
       provider_reference = coalesce(?, provider_reference),
       captured_minor = coalesce(?, captured_minor),
       action = case when ?::boolean then ?::jsonb else action end,
       updated_at = ?
     where id = ? returning ${attemptColumns}`,
    [
      change.state,
      JSON.stringify([change.entry]),
      change.reason !== undefined,
      change.reason?.slice(0, 255) ?? null,
      change.transactionId ?? null,
      change.providerReference ?? null,
      change.capturedMinor ?? null,
      change.action !== undefined,
      change.action === undefined || change.action === null ? null : JSON.stringify(change.action),
      now,
      id,
    ],
  );
  if (!rows[0]) throw new Error(`payment ${id} vanished while locked`);
  return attemptView(rows[0]);
}

/** Keeps the provider's own id of an attempt's payment (before any money can move under it). */
export async function rememberReference(execute: Execute, id: string, providerReference: string): Promise<void> {
  await execute(`update payment_attempt set provider_reference = ?, updated_at = now() where id = ?`, [providerReference, id]);
}

/** Attempts still waiting for their provider, before their deadline: what the poll sweep queues. */
export async function openAttempts(execute: Execute, now: Date, limit = 500): Promise<string[]> {
  const rows = await execute<{ id: string }[]>(
    `select id from payment_attempt where state in ('pending', 'requires_action', 'authorised') and deadline_at > ?
     order by deadline_at limit ?`,
    [now, limit],
  );
  return rows.map((row) => row.id);
}

export interface AttemptFilter {
  /** The principal's scope (billing/visibility.ts paymentScope), on the alias `pa`. */
  scope: { sql: string; params: unknown[] };
  state?: string | null;
  purpose?: string | null;
  provider?: string | null;
  invoiceId?: string | null;
  limit: number;
  offset: number;
}

/** A page of attempts, newest first, and how many match in all. */
export async function listAttempts(execute: Execute, filter: AttemptFilter): Promise<{ attempts: PaymentAttemptView[]; total: number }> {
  const conditions = [filter.scope.sql];
  const params = [...filter.scope.params];
  for (const [column, value] of [
    ['state', filter.state],
    ['purpose', filter.purpose],
    ['provider', filter.provider],
    ['invoice_id', filter.invoiceId],
  ] as const) {
    if (value === null || value === undefined) continue;
    conditions.push(`pa.${column} = ?`);
    params.push(value);
  }
  const where = conditions.join(' and ');
  const [rows, counted] = await Promise.all([
    execute<AttemptRow[]>(
      `select ${attemptColumns} from payment_attempt pa where ${where} order by pa.created_at desc, pa.id desc limit ? offset ?`,
      [...params, filter.limit, filter.offset],
    ),
    execute<{ n: string }[]>(`select count(*) as n from payment_attempt pa where ${where}`, params),
  ]);
  return { attempts: rows.map(attemptView), total: Number(counted[0]?.n ?? 0) };
}
