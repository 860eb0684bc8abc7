import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation } from '../test/api.js';
import { aTagOf } from '../test/api-data.js';
import { aMeterValue, sessionRow, startSession } from '../test/builders.js';
import { anIdentity, connectCharger } from '../test/chargers.js';
import { liveClient, subscribe } from '../test/live.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

describe('the running cost of a session', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api', 'workers'] });
  });
  afterAll(() => system?.close());

  it('comes with its live figures to a subscriber, and at the stop equals the bill', async () => {
    const { organisationId, siteId } = await anOrganisation(system);
    const definition = {
      currency: 'RWF',
      type: 'REGULAR',
      altText: [],
      pricesIncludeTax: false,
      taxes: [],
      elements: [{ priceComponents: [{ type: 'ENERGY', price: '300', stepSize: 1 }] }],
    };
    const { tariff } = await system.deps.tariffs.create(organisationId, 'Live', { definition, validFrom: new Date(0) });
    await system.deps.tariffs.assign({ tariffId: tariff.id });
    const identity = anIdentity('LIVECOST');
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId });
    const charger = await connectCharger(system, { identity, password: ocppPassword });
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    const client = liveClient(system.apiUrl, driver.token);
    const feed = await subscribe<{ sessionUpdated: { energyWh: number; cost: { amountMinor: number; currency: string } | null } }>(
      client,
      'subscription { sessionUpdated { energyWh cost { amountMinor currency } } }',
    );
    const started = new Date(Date.now() - 120_000);
    const { transactionId } = await startSession(charger, { idTag: tag.value, meterStart: 0, timestamp: started.toISOString() });
    const reading = (wh: number, at: Date) =>
      charger.call('MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [aMeterValue([{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }], at.toISOString())],
      });
    await reading(4000, new Date(started.getTime() + 60_000));
    await system.workers?.sink.drain();
    await reading(5000, new Date(started.getTime() + 90_000));
    // The newest frame may not be in the warehouse yet: its cost counts at least the readings before it (4 kWh x 300).
    const update = await feed.next((u) => u.sessionUpdated.energyWh === 5000);
    expect(update?.sessionUpdated.cost?.currency).toBe('RWF');
    expect(update?.sessionUpdated.cost?.amountMinor).toBeGreaterThanOrEqual(1200);
    await charger.call('StopTransaction', { transactionId, meterStop: 6000, timestamp: new Date().toISOString() });
    await system.workers?.sink.drain();
    const session = await sessionRow(system, transactionId);
    const running = await system.deps.billing.priceOf(session.id);
    const billed = await system.deps.billing.bill(session.id);
    expect(billed.kind === 'billed' && billed.invoice.inclTaxMinor).toBe(1800);
    expect(running?.priced.totals.inclTaxMinor).toBe(1800);
    expect(feed.errors).toEqual([]);
    await client.dispose();
    await charger.close();
  });
});
