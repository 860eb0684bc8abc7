import type { Orm } from '../../database/orm.js';
import { BillingError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { type PaymentProvider, type ProviderStatus, noSavedMethods, unsupported } from './provider.js';
import type { PaymentState } from './states.js';

/**
 * The driver's prepaid wallet with the operator (billing/ledger/) as a payment method. There is no outside
 * provider: the wallet "confirms" a payment when it holds the money, and the debit itself is the ledger posting
 * written with the attempt's move to `captured` (a wallet emptied meanwhile refuses it: the attempt fails).
 */
export function walletProvider(deps: { orm: Orm; ledger: Ledger }): PaymentProvider {
  const nothingOutside = unsupported("the wallet is the driver's own: there is nothing to create or save at a provider");
  return {
    name: 'wallet',
    fundsFrom: 'wallet',
    currency: null,
    createPayer: nothingOutside,
    ...noSavedMethods("the wallet is the driver's own: there is nothing to save at a provider"),
    capture: unsupported('a wallet payment is taken at once: nothing is held'),
    cancel: unsupported('a wallet payment is taken at once: there is nothing to cancel'),
    refund: unsupported('wallet money goes back with a credit note (creditNote)'),

    async authorise(request): Promise<ProviderStatus> {
      if (request.purpose === 'wallet_top_up')
        throw new BillingError('BAD_USER_INPUT', 'method: a wallet is not topped up from itself', 'method');
      if (request.capture === 'manual') throw new BillingError('BAD_USER_INPUT', 'method: a wallet holds no money aside', 'method');
      if (!request.payer.userId) throw new BillingError('BAD_USER_INPUT', 'a wallet payment needs the driver who pays');
      const wallet = await deps.ledger.wallet(request.organisationId, request.payer.userId, request.currency);
      if (wallet.balanceMinor + wallet.creditLimitMinor < request.amountMinor) return { state: 'failed', reason: 'NOT_ENOUGH_FUNDS' };
      return { state: 'captured', amountMinor: request.amountMinor, currency: request.currency };
    },

    /**
     * The wallet's word is evcms's own: the attempt row, written with its ledger posting. One still pending was
     * never taken (a process stopped between asking and taking): nothing was debited, so it failed.
     */
    async status(reference): Promise<ProviderStatus> {
      const rows = await deps.orm.em
        .fork()
        .getConnection()
        .execute<{ state: PaymentState }[]>(`select state from payment_attempt where id = ? and provider = 'wallet'`, [reference]);
      const state = rows[0]?.state;
      if (!state) return { state: 'pending', notFound: true, reason: 'NOT_FOUND' };
      return state === 'pending' ? { state: 'failed', reason: 'NOT_TAKEN' } : { state };
    },

    verifyCallback() {
      throw new BillingError('BAD_USER_INPUT', 'path: the wallet sends no callbacks', 'path');
    },
  };
}
