import type { Ledger, PostedTransaction } from '../ledger/ledger.js';

export interface WalletMovement {
  organisationId: string;
  userId: string;
  currency: string;
  kind: string;
  idempotencyKey: string;
  reference: string;
  description: string;
  /** What the driver pays, tax included (< 0: what they get back), and the tax in it (same sign). */
  inclMinor: number;
  taxMinor: number;
}

/**
 * Money between a driver's wallet and the operator's revenue and tax payable, once per idempotency key: the wallet
 * debited `inclMinor` (credited when negative), revenue credited what is left after tax, tax payable the tax.
 * Null when nothing moves. Throws InsufficientFundsError, having written nothing, when the wallet cannot pay.
 */
export async function moveWalletMoney(ledger: Ledger, movement: WalletMovement): Promise<PostedTransaction | null> {
  const netMinor = movement.inclMinor - movement.taxMinor;
  if (movement.inclMinor === 0 && movement.taxMinor === 0) return null;
  const { organisationId, currency } = movement;
  const wallet = await ledger.wallet(organisationId, movement.userId, currency);
  const revenue = await ledger.account(organisationId, 'revenue', currency);
  const tax = await ledger.account(organisationId, 'tax_payable', currency);
  const entries = [
    { accountId: wallet.id, amountMinor: -movement.inclMinor },
    { accountId: revenue.id, amountMinor: netMinor },
    { accountId: tax.id, amountMinor: movement.taxMinor },
  ].filter((entry) => entry.amountMinor !== 0);
  return ledger.post({
    organisationId,
    kind: movement.kind,
    idempotencyKey: movement.idempotencyKey,
    reference: movement.reference,
    description: movement.description,
    entries,
  });
}
