import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, aMeterValue, anIdToken, aStatusNotification, aStopTransaction, sql, startSession } from '../test/builders.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { closeLostStops } from './lost-stops.js';

const energy = (wh: number) => [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }];
const row = (system: TestSystem, transactionId: number) =>
  sql<{ state: string; stop_reason: string | null; energy_wh: string | null; flags: string[]; billing_status: string }>(
    system,
    'select state, stop_reason, energy_wh, flags, billing_status from charging_session where transaction_id = ?',
    [String(transactionId)],
  ).then((rows) => rows[0]);

describe('sessions whose stop never came', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('are closed when the station says the connector is Available, with the live energy, and the late stop still replaces the guess', async () => {
    const { charger } = await aConnectedCharger(system);
    const started = new Date(Date.now() - 120_000);
    const idTag = (await anIdToken(system)).value;
    const { transactionId } = await startSession(charger, { idTag, meterStart: 1000, timestamp: started.toISOString() });
    await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: [aMeterValue(energy(3500))] });
    const ended = new Promise((resolve) => {
      void system.deps.events.subscribe('session.ended', (event) => {
        if (event.transactionId === String(transactionId)) resolve(event);
      });
    });
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 1, status: 'Available' }));

    expect(await row(system, transactionId)).toEqual({
      state: 'Completed',
      stop_reason: 'Reconciled: the connector is Available without a stop',
      energy_wh: '2500',
      flags: ['stop-lost'],
      billing_status: 'pending',
    });
    await expect(ended).resolves.toMatchObject({ energyWh: 2500, reason: 'Reconciled: the connector is Available without a stop' });
    // MeterValues of it after that are not live any more; its own stop, queued while offline, arrives and wins.
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 4000, reason: 'EVDisconnected' }));
    expect(await row(system, transactionId)).toMatchObject({
      state: 'Completed',
      stop_reason: 'EVDisconnected',
      energy_wh: '3000',
      flags: [],
    });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('are left open when the Available status was stamped before the session started', async () => {
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { connectorId: 2 });
    const before = new Date(Date.now() - 60_000).toISOString();
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 2, status: 'Available', timestamp: before }));
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 1, status: 'Available' }));
    expect(await row(system, transactionId)).toMatchObject({ state: 'Active', stop_reason: null });
    await charger.close();
  });

  it('are closed by an operator with who and why, held for review by billing, once', async () => {
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { connectorId: 3 });
    const [{ id }] = (await sql<{ id: string }>(system, 'select id from charging_session where transaction_id = ?', [
      String(transactionId),
    ])) as [{ id: string }];
    const lost = { kind: 'operator', sessionId: id, actor: 'user-7', note: 'station replaced' } as const;
    expect(await closeLostStops(system.deps, lost)).toMatchObject([{ sessionId: id, reason: 'Closed by user-7: station replaced' }]);
    expect(await closeLostStops(system.deps, lost)).toEqual([]);
    const outcome = await system.deps.billing.bill(id);
    expect(outcome).toMatchObject({ kind: 'held' });
    expect((outcome as { reason: string }).reason).toMatch(/^(stop-lost|not-authorised|no-energy)/);
    await charger.close();
  });
});
