import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, gql } from '../test/api.js';
import { aMeterValue, anIdToken, aStartTransaction, aStopTransaction, sql } from '../test/builders.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// The rules about starts and meter readings, raised and resolved from what a strict charger sends.
describe('alert rules on starts and meter readings, end to end', () => {
  let system: TestSystem;
  let org: { organisationId: string; siteId: string };
  const chargers: TestCharger[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    org = await anOrganisation(system);
    const operator = await aUser(system, 'OPERATOR', org.organisationId);
    const saved = await gql(
      system,
      'mutation { setConfigurationBaseline(input: { model: "Volt 7", keys: [], maxPowerW: 7400 }) { id } }',
      {},
      operator.token,
    );
    expect(saved.errors).toBeUndefined();
  });
  afterAll(async () => {
    for (const charger of chargers) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
    await system?.close();
  });

  const aBootedCharger = async () => {
    const identity = `AR-${process.pid}-${chargers.length}`;
    const { ocppPassword, station } = await system.deps.stations.create({ identity, siteId: org.siteId });
    const charger = await connectCharger(system, { identity, password: ocppPassword });
    chargers.push(charger);
    await charger.call('BootNotification', bootPayload({ chargePointModel: 'Volt 7' }));
    return { charger, stationId: station.id };
  };
  const openAlerts = async (stationId: string) => {
    await system.deps.alerts.sweep();
    return sql<{ kind: string; message: string }>(
      system,
      `select kind, message from alert where station_id = ? and state <> 'resolved' order by kind, cause_key`,
      [stationId],
    );
  };
  /** MeterValues of a session, then the live figures written (they are written behind). */
  const meterValues = async (charger: TestCharger, transactionId: number, sampledValue: Record<string, unknown>[], at: Date) => {
    await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: [aMeterValue(sampledValue, at.toISOString())] });
    await system.deps.sessions.flushLive();
  };
  const energy = (wh: number) => ({ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' });
  const power = (w: number) => ({ value: String(w), measurand: 'Power.Active.Import', unit: 'W' });
  /** A station of the rated model with a session started on connector 1 (meter at `meterStart` Wh). */
  const aChargingStation = async (meterStart = 1000) => {
    const { charger, stationId } = await aBootedCharger();
    const tag = await anIdToken(system);
    const started = await charger.call<{ transactionId: number }>('StartTransaction', aStartTransaction({ idTag: tag.value, meterStart }));
    return { charger, stationId, transactionId: started.transactionId };
  };

  it('count Authorize accepted with no StartTransaction after it as failed starts, until the start comes', async () => {
    const { charger, stationId } = await aBootedCharger();
    const tag = await anIdToken(system);
    for (let n = 0; n < 3; n++)
      expect(await charger.call('Authorize', { idTag: tag.value })).toMatchObject({ idTagInfo: { status: 'Accepted' } });
    await system.deps.authDecisions.flush();
    expect(await openAlerts(stationId)).toEqual([]);
    // Within startTimeoutMinutes (2) a start may still come; after it, they are failed starts.
    await sql(system, `update auth_decision set decided_at = decided_at - interval '3 minutes' where station_id = ?`, [stationId]);
    expect(await openAlerts(stationId)).toEqual([
      { kind: 'failed-starts', message: '3 failed starts in 30 minutes (0 ended at once without energy, 3 authorized but never started)' },
    ]);
    await charger.call('StartTransaction', aStartTransaction({ idTag: tag.value, timestamp: new Date(Date.now() - 60_000).toISOString() }));
    expect(await openAlerts(stationId)).toEqual([]);
  });

  it('raise power above the model rating by more than the margin, resolved when it drops back', async () => {
    const { charger, stationId, transactionId } = await aChargingStation();
    await meterValues(charger, transactionId, [energy(1100), power(8000)], new Date());
    expect(await openAlerts(stationId)).toEqual([]);
    await meterValues(charger, transactionId, [energy(1200), power(8200)], new Date());
    expect(await openAlerts(stationId)).toEqual([
      {
        kind: 'power-out-of-range',
        message: `session ${transactionId} on connector 1 draws 8200 W, above the 7400 W the model is rated for`,
      },
    ]);
    await meterValues(charger, transactionId, [energy(1300), power(7300)], new Date());
    expect(await openAlerts(stationId)).toEqual([]);
  });

  it('raise an energy register that went backwards, kept for a while after the session ends', async () => {
    const { charger, stationId, transactionId } = await aChargingStation();
    await meterValues(charger, transactionId, [energy(1500)], new Date(Date.now() - 60_000));
    // A replayed older reading is no sign of a wrong meter...
    await meterValues(charger, transactionId, [energy(1400)], new Date(Date.now() - 120_000));
    expect(await openAlerts(stationId)).toEqual([]);
    // ...but a later one below the last is.
    await meterValues(charger, transactionId, [energy(1500)], new Date(Date.now() - 30_000));
    await meterValues(charger, transactionId, [energy(1200)], new Date());
    expect(await openAlerts(stationId)).toEqual([
      { kind: 'energy-out-of-range', message: `session ${transactionId} on connector 1: the energy register went backwards` },
    ]);
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 1600 }));
    expect((await openAlerts(stationId)).map((a) => a.kind)).toEqual(['energy-out-of-range']);
    await sql(system, `update charging_session set stopped_at = stopped_at - interval '61 minutes' where transaction_id = ?`, [
      String(transactionId),
    ]);
    expect(await openAlerts(stationId)).toEqual([]);
  });

  it('raise a live register below the session start, a negative one included', async () => {
    const { charger, stationId, transactionId } = await aChargingStation(5000);
    await meterValues(charger, transactionId, [energy(5100)], new Date());
    expect(await openAlerts(stationId)).toEqual([]);
    await meterValues(charger, transactionId, [energy(-20)], new Date());
    expect(await openAlerts(stationId)).toEqual([
      { kind: 'energy-out-of-range', message: `session ${transactionId} on connector 1: the energy register fell below its start` },
    ]);
  });

  it('raise a meter stop below the start as energy out of range', async () => {
    const { charger, stationId, transactionId } = await aChargingStation(5000);
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 4000 }));
    expect(await openAlerts(stationId)).toEqual([
      { kind: 'energy-out-of-range', message: `session ${transactionId} on connector 1: the energy register fell below its start` },
    ]);
  });
});
