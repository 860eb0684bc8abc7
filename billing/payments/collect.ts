import { BillingError } from '../errors.js';
import type { Execute } from './attempts.js';
import { dueInvoice } from './invoices.js';
import type { PaymentService } from './service.js';

/** What one try at collecting an issued invoice came to. */
export type CollectOutcome =
  /** Nothing to do: paid (the wallet settled it, the driver paid), void, no driver, or no card saved. */
  | { kind: 'settled' | 'no-card'; invoiceId: string }
  /** Taken now, or waiting for the payer (3-D Secure) or the provider: the poller and webhooks go on. */
  | { kind: 'captured' | 'requires_action' | 'pending'; invoiceId: string; paymentId: string }
  /** Declined, or another payment of it under way: try again later. */
  | { kind: 'retry'; invoiceId: string; reason: string };

/**
 * Dunning, one try: an issued invoice still open after the wallet settlement (billing/service.ts settles from the
 * wallet first) is charged to the payer's default card, off-session, once per try (`collect:<invoice>:<try>`). A
 * decline asks for another try (the workers retry with backoff); `giveUp` then makes the invoice due now, so the
 * money gate (billing/money-gate.ts) refuses the driver new sessions until it is paid.
 */
export async function collectInvoice(
  payments: PaymentService,
  execute: Execute,
  invoiceId: string,
  attempt: number,
): Promise<CollectOutcome> {
  const invoice = await dueInvoice(execute, invoiceId);
  if (invoice?.kind !== 'invoice' || invoice.status !== 'open' || !invoice.payerUserId) return { kind: 'settled', invoiceId };
  if (!payments.configured().includes('stripe')) return { kind: 'no-card', invoiceId };
  const card = payments.provider('stripe');
  if (!(await payments.cards.customer(card, invoice.payerUserId))) return { kind: 'no-card', invoiceId };
  try {
    const paid = await payments.payInvoice({
      invoiceId,
      userId: invoice.payerUserId,
      method: 'stripe',
      idempotencyKey: `collect:${attempt}`,
    });
    if (paid.state === 'failed' || paid.state === 'cancelled') return { kind: 'retry', invoiceId, reason: paid.reason ?? paid.state };
    if (paid.state === 'captured' || paid.state === 'requires_action') return { kind: paid.state, invoiceId, paymentId: paid.id };
    return { kind: 'pending', invoiceId, paymentId: paid.id };
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    if (error.code === 'BAD_USER_INPUT' && /no card saved/.test(error.message)) return { kind: 'no-card', invoiceId };
    return { kind: 'retry', invoiceId, reason: error.message };
  }
}

/** The tries are over and the invoice still open: it is due now (past due for the money gate). */
export async function giveUp(execute: Execute, invoiceId: string, now = new Date()): Promise<boolean> {
  const rows = await execute<{ id: string }[]>(
    `update invoice set due_at = least(due_at, ?) where id = ? and status = 'open' returning id`,
    [now, invoiceId],
  );
  return rows.length > 0;
}
