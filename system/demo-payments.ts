import { remoteStart } from '../commands/remote-start.js';
import { remoteStop } from '../commands/remote-stop.js';
import type { Logger } from '../platform/logger.js';
import { Station, User } from '../schema/entities/index.js';
import type { DemoProviders } from '../simulator/providers/demo.js';
import { type Config, paymentSettings } from './config.js';
import { demo } from './demo.js';
import type { Deps } from './deps.js';

/** The demo's simulated payment providers, what the banner says of them, and the demo's own payments. */
export interface SimulatedPayments {
  env: Record<string, string>;
  lines: string[];
  /** A MoMo top-up and a card session of the demo driver, played once the roles run; resolves to a stop. */
  play(deps: Deps, options?: PlayOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * With DEMO (never in production), the providers not configured for real (no MOMO_*, no STRIPE_*) are simulated by
 * local servers that speak their APIs (simulator/providers/), started before the system so that MOMO_BASE_URL and
 * STRIPE_API_URL point at them. Null when there is nothing to simulate. The log and the banner say they are simulated.
 */
export async function simulatePayments(config: Config, log: Logger): Promise<SimulatedPayments | null> {
  if (!config.DEMO || config.NODE_ENV === 'production') return null;
  const configured = paymentSettings(config);
  if (configured.momo && configured.stripe) return null;
  const { startDemoProviders } = await import('../simulator/providers/demo.js');
  const apiBase = `http://127.0.0.1:${config.API_PORT}`;
  const providers = await startDemoProviders({ momo: !configured.momo, stripe: !configured.stripe, apiBase, currency: 'RWF' });
  const simulated = [
    providers.momo ? `MTN MoMo at ${providers.momo.url}` : null,
    providers.stripe ? `Stripe at ${providers.stripe.url}` : null,
  ];
  const named = simulated.filter((line) => line !== null).join(', ');
  log.warn(
    { momo: providers.momo?.url ?? null, stripe: providers.stripe?.url ?? null },
    `demo: payments SIMULATED (${named}): no real money moves`,
  );
  return {
    env: providers.env,
    lines: [`Payments:           SIMULATED, no real money (${named}); set MOMO_* / STRIPE_* for real ones`],
    play: (deps, options) => playPayments(deps, providers, options),
    close: () => providers.close(),
  };
}

/**
 * The demo driver's payments, so a newcomer sees them complete: a MoMo top-up of 5,000 RWF (the simulated payer
 * approves it), and a card session on a demo station once its simulated charger is up (`startAfterMs`): a card
 * saved, held before the start, stopped after `cardSessionMs`, its bill captured from the hold. Runs in the
 * background; resolves to a stop. Failures are logged, never fatal: it is a demo.
 */
async function playPayments(deps: Deps, providers: DemoProviders, options: PlayOptions = {}): Promise<() => Promise<void>> {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const later = (ms: number, step: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      step().catch((error: unknown) => deps.log.warn({ err: error }, 'demo: a simulated payment step failed'));
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const em = deps.orm.em.fork();
  const driver = await em.findOne(User, { email: demo.driver.email });
  const station = await em.findOne(Station, { identity: options.station ?? 'DEMO-CP-003' }, { populate: ['organisation'] });
  const organisationId = station?.organisation?.id;
  if (driver && station && organisationId) {
    if (providers.momo) later(0, () => topUp(deps, driver.id, organisationId));
    const stripe = providers.stripe;
    if (stripe)
      later(options.startAfterMs ?? 15_000, async () => {
        const session = await cardSession(deps, stripe, driver.id, { id: station.id, identity: station.identity, organisationId });
        if (session) later(options.cardSessionMs ?? 150_000, () => stopCardSession(deps, station.identity, session));
      });
  }
  return async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
  };
}

interface PlayOptions {
  station?: string;
  startAfterMs?: number;
  cardSessionMs?: number;
}

async function topUp(deps: Deps, userId: string, organisationId: string): Promise<void> {
  const asked = await deps.payments.topUpWallet({ userId, amountMinor: 5000, method: 'momo', msisdn: '250788000000', organisationId });
  deps.log.info({ paymentId: asked.id }, 'demo: MoMo top-up of 5,000 RWF asked; the simulated payer approves it in 3 s');
}

/** A card saved for the driver (as the app saves one), then a session started on it, held first. */
async function cardSession(
  deps: Deps,
  stripe: NonNullable<DemoProviders['stripe']>,
  userId: string,
  station: { id: string; identity: string; organisationId: string },
): Promise<{ sessionId: string; transactionId: string } | null> {
  const card = deps.payments.provider('stripe');
  const em = deps.orm.em.fork();
  // The simulated Stripe starts empty each time: the driver's customer there is made again.
  await em.getConnection().execute(`delete from payment_customer where user_id = ? and provider = 'stripe'`, [userId]);
  const { setupIntentId } = await deps.payments.cards.add(card, userId);
  await stripe.confirmSetup(setupIntentId, 'pm_card_visa');
  const token = await deps.idTokens.appTokenOf(userId);
  const commands = { commands: deps.stationCommands, events: deps.events };
  const input = {
    userId,
    organisationId: station.organisationId,
    stationId: station.id,
    identity: station.identity,
    connectorId: null,
    idTag: token.value,
    idTokenId: token.id,
  };
  const waitForSessionMs = deps.config.REMOTE_SESSION_TIMEOUT * 1000;
  const started = await deps.cardHolds.startOnCard(input, () =>
    remoteStart(commands, station.identity, { idTag: token.value }, { waitForSessionMs }),
  );
  if (!started.sessionId || !started.hold) {
    deps.log.warn({ status: started.status }, `demo: the card session on ${station.identity} did not start; its hold was released`);
    return null;
  }
  const { sessionId, hold } = started;
  deps.log.info({ sessionId, paymentId: hold.id, holdMinor: hold.amountMinor }, `demo: card session on ${station.identity}, the card held`);
  const rows = await em
    .getConnection()
    .execute<{ transaction_id: string }[]>('select transaction_id from charging_session where id = ?', [sessionId]);
  return { sessionId, transactionId: rows[0]?.transaction_id as string };
}

async function stopCardSession(deps: Deps, identity: string, session: { sessionId: string; transactionId: string }): Promise<void> {
  await remoteStop({ commands: deps.stationCommands, events: deps.events }, identity, session);
  deps.log.info({ sessionId: session.sessionId }, 'demo: card session stopped; the workers bill it and capture the bill from the hold');
}
