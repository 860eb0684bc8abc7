import { FakeMomo } from './momo-server.js';
import { FakeStripe } from './stripe/server.js';

/** The local provider servers of a demo, and the variables that point evcms at them. */
export interface DemoProviders {
  momo: FakeMomo | null;
  stripe: FakeStripe | null;
  /** MOMO_* and STRIPE_* for the providers simulated. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the simulated providers asked for: MTN MoMo (the payer approves each request by itself after `approveMs`,
 * as MTN's sandbox numbers say; callbacks to `apiBase`) and Stripe (webhooks to `apiBase`). Simulations of the
 * providers' APIs on 127.0.0.1, for the demo and tests: no money moves anywhere.
 */
export async function startDemoProviders(options: {
  momo: boolean;
  stripe: boolean;
  /** The API server's base URL, where the providers call back (http://127.0.0.1:4000). */
  apiBase: string;
  /** The MoMo account's currency (the demo operator's: RWF). */
  currency: string;
  approveMs?: number;
}): Promise<DemoProviders> {
  const momo = options.momo ? await FakeMomo.start({ currency: options.currency, autoSettleMs: options.approveMs ?? 3000 }) : null;
  const stripe = options.stripe ? await FakeStripe.start() : null;
  if (stripe) stripe.webhookUrl = `${options.apiBase}/payments/stripe/webhook`;
  return {
    momo,
    stripe,
    env: { ...momo?.env(`${options.apiBase}/payments/momo/callback`), ...stripe?.env() },
    async close() {
      await Promise.all([momo?.close(), stripe?.close()]);
    },
  };
}
