import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { freePort } from '../simulator/providers/fake-http.js';
import { sql } from '../test/builders.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem, testConfig } from '../test/system.js';
import { demo, seedDemo } from './demo.js';
import { type SimulatedPayments, simulatePayments } from './demo-payments.js';

const log = createLogger('silent', { pretty: false });

describe("the demo's payments", () => {
  let system: TestSystem;
  let simulated: SimulatedPayments;
  let charger: TestCharger;
  const calls: Promise<unknown>[] = [];

  beforeAll(async () => {
    // The API's port is known before the system starts: MoMo's callback URL names it.
    const port = String(await freePort());
    simulated = (await simulatePayments(testConfig({ DEMO: '1', API_PORT: port }), log)) as SimulatedPayments;
    system = await startTestSystem({ roles: ['ocpp', 'api', 'workers'], env: { API_PORT: port, ...simulated.env } });
    await seedDemo(system.deps.orm, system.deps, 'admin@evcms.local', undefined);
    const station = demo.stations[2] as { identity: string; password: string };
    const later = (action: string, payload: Record<string, unknown>) =>
      setTimeout(() => calls.push(charger.call(action, { timestamp: new Date().toISOString(), ...payload })), 20);
    charger = await connectCharger(system, station, {
      handlers: {
        // Started five minutes ago by the station's clock: longer than the demo tariff's free threshold.
        RemoteStartTransaction: ({ idTag }) => {
          later('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: new Date(Date.now() - 300_000).toISOString() });
          return { status: 'Accepted' };
        },
        RemoteStopTransaction: ({ transactionId }) => {
          later('StopTransaction', { transactionId, meterStop: 4000, reason: 'Remote' });
          return { status: 'Accepted' };
        },
      },
    });
    await charger.call('BootNotification', bootPayload());
  });
  afterAll(async () => {
    await Promise.all(calls);
    await charger?.close();
    await system?.close();
    await simulated?.close();
  });

  it('simulates MTN MoMo and Stripe when the demo runs without them, and says so', () => {
    expect(simulated.lines.join('\n')).toMatch(/Payments: +SIMULATED, no real money \(MTN MoMo at http:\/\/127\.0\.0\.1:\d+, Stripe at/);
    expect(simulated.env).toMatchObject({
      MOMO_BASE_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
      STRIPE_API_URL: expect.any(String),
    });
    expect(system.deps.payments.configured().sort()).toEqual(['momo', 'stripe', 'wallet']);
  });

  it('plays a MoMo top-up and a card session of the demo driver to their end: approved, held, captured for the bill', async () => {
    const stop = await simulated.play(system.deps, { startAfterMs: 0, cardSessionMs: 500 });
    const [driver] = await sql<{ id: string }>(system, 'select id from app_user where email = ?', [demo.driver.email]);
    const attempts = () =>
      sql<{ provider: string; purpose: string; state: string; amount_minor: string; captured_minor: string; invoice_id: string | null }>(
        system,
        `select provider, purpose, state, amount_minor, captured_minor, invoice_id from payment_attempt where payer_user_id = ? order by provider`,
        [driver?.id],
      );
    const done = await eventually(async () => {
      const rows = await attempts();
      return rows.length === 2 && rows.every((row) => row.state === 'captured') && rows;
    }, 30_000);
    expect(done).toMatchObject([
      { provider: 'momo', purpose: 'wallet_top_up', amount_minor: '5000', captured_minor: '5000' },
      { provider: 'stripe', purpose: 'session', amount_minor: '70000' },
    ]);
    const card = done[1] as { captured_minor: string; invoice_id: string };
    const [invoice] = await sql<{ incl_tax_minor: string; status: string }>(
      system,
      'select incl_tax_minor, status from invoice where id = ?',
      [card.invoice_id],
    );
    expect(invoice).toEqual({ incl_tax_minor: card.captured_minor, status: 'paid' });
    expect(Number(card.captured_minor)).toBeGreaterThan(0);
    await stop();
    expect(charger.violations).toEqual([]);
  });

  it('simulates nothing outside a demo, or for providers configured for real', async () => {
    expect(await simulatePayments(testConfig({ DEMO: '0' }), log)).toBeNull();
    expect(await simulatePayments(testConfig({ DEMO: '1', ...simulated.env }), log)).toBeNull();
  });
});
