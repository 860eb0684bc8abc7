import type { Ledger } from './ledger/ledger.js';
import type { IssuedInvoice, Settlement } from './service.js';

/**
 * Invoices a driver pays are taken from their prepaid wallet with the operator, once per session (the ledger's
 * idempotency key). A wallet without the money leaves the invoice open: owed, and past due after its due date,
 * which refuses the driver's next start (billing/money-gate.ts). A fleet's invoices stay open for the fleet.
 */
export function walletSettlement(ledger: Ledger): Settlement {
  return {
    async settle(invoices: IssuedInvoice[]): Promise<boolean[]> {
      const payable = invoices.filter((invoice) => invoice.payerUserId && invoice.inclTaxMinor > 0);
      const outcomes = await ledger.chargeWallets(
        payable.map((invoice) => ({
          organisationId: invoice.organisationId,
          userId: invoice.payerUserId as string,
          currency: invoice.currency,
          sessionId: invoice.sessionId,
          amountMinor: invoice.inclTaxMinor,
          taxMinor: invoice.taxMinor,
        })),
      );
      const paid = new Map(payable.map((invoice, i) => [invoice, outcomes[i] !== 'insufficient']));
      return invoices.map((invoice) => paid.get(invoice) ?? false);
    },
  };
}
