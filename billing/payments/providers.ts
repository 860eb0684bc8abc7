import type { Orm } from '../../database/orm.js';
import type { Ledger } from '../ledger/ledger.js';
import { airtelProvider } from './airtel.js';
import type { AirtelSettings } from './airtel-client.js';
import { momoProvider } from './momo.js';
import type { MomoSettings } from './momo-client.js';
import type { PaymentProvider, ProviderName } from './provider.js';
import { type StripeSettings, stripeProvider } from './stripe.js';
import { walletProvider } from './wallet.js';

/** Each outside provider is on only when configured (system/config.ts checks the settings at start). */
export interface PaymentSettings {
  momo: MomoSettings | null;
  airtel: AirtelSettings | null;
  stripe: StripeSettings | null;
}

/** The providers of this server: the wallet always, MoMo, Airtel Money and Stripe cards when configured. */
export function paymentProviders(
  settings: PaymentSettings,
  deps: { orm: Orm; ledger: Ledger },
): Partial<Record<ProviderName, PaymentProvider>> {
  return {
    wallet: walletProvider(deps),
    ...(settings.momo ? { momo: momoProvider(settings.momo) } : {}),
    ...(settings.airtel ? { airtel: airtelProvider(settings.airtel) } : {}),
    ...(settings.stripe ? { stripe: stripeProvider(settings.stripe) } : {}),
  };
}
