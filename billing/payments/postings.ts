import type { PostingInput } from '../ledger/posting.js';
import type { PaymentAttemptView } from './attempts.js';

/** The accounts a captured payment moves money between (ids), all of the attempt's organisation and currency. */
export interface CaptureAccounts {
  /** Where the money came from: the provider's clearing account, or the driver's wallet (the wallet method). */
  source: string;
  wallet: string | null;
  revenue: string;
  tax: string;
}

/** What a captured payment pays for, as the transaction moving it to `captured` found it. */
export type CaptureTarget =
  | { kind: 'wallet_top_up' }
  /** An open invoice: what is still due of it (less credit notes), tax included, and the tax in it. */
  | { kind: 'invoice'; invoiceId: string; sessionId: string | null; dueMinor: number; taxMinor: number }
  /** An invoice paid or voided meanwhile: the money goes to the driver's wallet rather than nowhere. */
  | { kind: 'surplus'; invoiceId: string };

/**
 * The ledger posting of a captured payment, once per attempt (its idempotency key). A top-up moves the money from
 * the provider's clearing account into the driver's wallet; an invoice payment into revenue and tax payable. The
 * wallet paying an invoice of a session posts exactly what a wallet settlement of it posts (`session:<id>`), so
 * the two can never both take it. Pure.
 */
export function capturePosting(
  attempt: PaymentAttemptView,
  target: CaptureTarget,
  accounts: CaptureAccounts,
  label: string,
  amount = attempt.amountMinor,
): PostingInput {
  const base = { organisationId: attempt.organisationId, reference: attempt.id, idempotencyKey: `payment:${attempt.id}`, actor: null };
  if (target.kind === 'invoice') {
    const net = target.dueMinor - target.taxMinor;
    const entries = [
      { accountId: accounts.source, amountMinor: -target.dueMinor },
      ...(net > 0 ? [{ accountId: accounts.revenue, amountMinor: net }] : []),
      ...(target.taxMinor > 0 ? [{ accountId: accounts.tax, amountMinor: target.taxMinor }] : []),
    ];
    if (accounts.source === accounts.wallet && target.sessionId) {
      return { ...base, kind: 'session-charge', idempotencyKey: `session:${target.sessionId}`, reference: target.sessionId, entries };
    }
    return { ...base, kind: 'invoice-payment', description: `${label} for invoice ${target.invoiceId}`, entries };
  }
  if (!accounts.wallet) throw new Error(`payment ${attempt.id}: no wallet to credit (the payer is gone)`);
  const description =
    target.kind === 'surplus' ? `${label}: invoice ${target.invoiceId} was settled meanwhile, so the money is in the wallet` : label;
  return {
    ...base,
    kind: 'top-up',
    description,
    entries: [
      { accountId: accounts.source, amountMinor: -amount },
      { accountId: accounts.wallet, amountMinor: amount },
    ],
  };
}
