import { InsufficientFundsError } from './ledger/errors.js';
import type { Ledger } from './ledger/ledger.js';
import type { IssuedInvoice, Settlement } from './service.js';

/**
 * Invoices a driver pays are taken from their prepaid wallet with the operator, once per session (the ledger's
 * idempotency key). A wallet without the money leaves the invoice open: owed, and past due after its due date,
 * which refuses the driver's next start (billing/money-gate.ts). A fleet's invoices stay open for the fleet.
 */
export function walletSettlement(ledger: Ledger): Settlement {
  return {
    async settle(invoice: IssuedInvoice): Promise<boolean> {
      if (!invoice.payerUserId || invoice.inclTaxMinor <= 0) return false;
      try {
        await ledger.chargeWallet({
          organisationId: invoice.organisationId,
          userId: invoice.payerUserId,
          currency: invoice.currency,
          sessionId: invoice.sessionId,
          amountMinor: invoice.inclTaxMinor,
          taxMinor: invoice.taxMinor,
        });
        return true;
      } catch (error) {
        if (error instanceof InsufficientFundsError) return false;
        throw error;
      }
    },
  };
}
