import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_BEHIND_CHUNK } from '../../../database/sql.js';
import { SessionService } from '../../../sessions/service.js';
import {
  aConnectedCharger,
  aMeterValue,
  anIdToken,
  anomalyKinds,
  listenTo,
  sessionRow,
  startSession,
  warehouseSamples,
} from '../../../test/builders.js';
import { connectCharger } from '../../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

/** Ten sampled values in the units chargers use, and what the warehouse should hold for each. */
const tenSampledValues = [
  { value: '12.345', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
  { value: '7.2', measurand: 'Power.Active.Import', unit: 'kW' },
  ...['L1', 'L2', 'L3'].map((phase) => ({ value: '10.5', measurand: 'Current.Import', phase, unit: 'A' })),
  ...['L1-N', 'L2-N', 'L3-N'].map((phase) => ({ value: '230.1', measurand: 'Voltage', phase, unit: 'V' })),
  { value: '55', measurand: 'SoC', unit: 'Percent', location: 'EV' },
  { value: '300.15', measurand: 'Temperature', unit: 'K', location: 'Body' },
];
const normalised = [
  ['Current.Import', 'L1', 'A', 10.5],
  ['Current.Import', 'L2', 'A', 10.5],
  ['Current.Import', 'L3', 'A', 10.5],
  ['Energy.Active.Import.Register', '', 'Wh', 12_345],
  ['Power.Active.Import', '', 'W', 7_200],
  ['SoC', '', 'Percent', 55],
  ['Temperature', '', 'Celsius', 27],
  ['Voltage', 'L1-N', 'V', 230.1],
  ['Voltage', 'L2-N', 'V', 230.1],
  ['Voltage', 'L3-N', 'V', 230.1],
];

describe('MeterValues', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'] });
  });
  afterAll(() => system?.close());

  const readings = (energyKWh: string, powerKW: string, timestamp = new Date().toISOString()) => [
    aMeterValue(
      [
        { value: energyKWh, measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
        { value: powerKW, measurand: 'Power.Active.Import', unit: 'kW' },
      ],
      timestamp,
    ),
  ];

  it('writes every sampled value to the warehouse in base units', async () => {
    const { station, charger } = await aConnectedCharger(system);
    expect(await charger.call('MeterValues', { connectorId: 1, meterValue: [aMeterValue(tenSampledValues)] })).toEqual({});
    const rows = await warehouseSamples(system, station.identity);
    expect(rows.map((r) => [r.measurand, r.phase, r.unit, r.value])).toEqual(normalised);
    expect(rows.every((r) => r.transaction_id === null && r.source === 'MeterValues')).toBe(true);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('does not duplicate samples when the same frame is sent twice', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const frame = { connectorId: 1, meterValue: [aMeterValue(tenSampledValues)] };
    await charger.call('MeterValues', frame);
    await charger.call('MeterValues', frame);
    expect(await warehouseSamples(system, station.identity)).toHaveLength(10);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('announces the live energy and power of the open session, and writes them behind', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const updates = await listenTo(system, 'session.updated');
    const { transactionId } = await startSession(charger, { connectorId: 2, idTag: (await anIdToken(system)).value, meterStart: 1000 });
    const timestamp = new Date().toISOString();
    await charger.call('MeterValues', { connectorId: 2, transactionId, meterValue: readings('12.5', '7.2', timestamp) });
    const event = await updates.next((e) => e.identity === station.identity);
    const { id: sessionId } = await sessionRow(system, transactionId);
    expect(event).toEqual({
      stationId: station.id,
      identity: station.identity,
      sessionId,
      transactionId: String(transactionId),
      connectorId: 2,
      energyWh: 11_500,
      powerW: 7_200,
      at: timestamp,
    });
    await system.deps.sessions.flushLive();
    expect(await sessionRow(system, transactionId)).toMatchObject({
      liveEnergyWh: 11_500,
      livePowerW: 7_200,
      lastMeterAt: new Date(timestamp),
    });
    expect((await warehouseSamples(system, station.identity)).map((r) => [r.session_id, r.transaction_id])).toEqual([
      [sessionId, String(transactionId)],
      [sessionId, String(transactionId)],
    ]);
    updates.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('writes more live figures than one statement takes, in chunks, and every open session gets its own', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const first = await startSession(charger, { connectorId: 1, idTag: (await anIdToken(system)).value, meterStart: 0 });
    const last = await startSession(charger, { connectorId: 2, idTag: (await anIdToken(system)).value, meterStart: 0 });
    await system.deps.sessions.flushLive();
    // A service of its own, so that the gateway's periodic flush cannot take some of the rows first.
    const { orm, sql, events, log, redis, metrics } = system.deps;
    const sessions = new SessionService({ orm, sql, events, log, redis, metrics, prefix: system.config.REDIS_PREFIX });
    const at = new Date('2026-11-26T12:00:00.123Z');
    const identity = { id: station.id, identity: station.identity } as never;
    const session = (sessionId: string, connectorId: number) => ({
      sessionId,
      transactionId: '0',
      connectorId,
      meterStartWh: 0,
      idTag: 'X',
    });
    const idOf = async (transactionId: number) => (await sessionRow(system, transactionId)).id;
    await sessions.updateLive(identity, session(await idOf(first.transactionId), 1), 1_234, 7_000, at);
    // Sessions that are gone (or never were) change nothing and break nothing.
    const gone = Array.from({ length: WRITE_BEHIND_CHUNK + 500 }, () => sessions.updateLive(identity, session(randomUUID(), 3), 1, 1, at));
    await Promise.all(gone);
    await sessions.updateLive(identity, session(await idOf(last.transactionId), 2), 4_321, 3_500.5, at);
    expect(await sessions.flushLive()).toBe(WRITE_BEHIND_CHUNK + 502);
    expect(await sessionRow(system, first.transactionId)).toMatchObject({ liveEnergyWh: 1_234, livePowerW: 7_000, lastMeterAt: at });
    expect(await sessionRow(system, last.transactionId)).toMatchObject({ liveEnergyWh: 4_321, livePowerW: 3_500.5, lastMeterAt: at });
    expect(await sessions.flushLive()).toBe(0);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('finds the open session again after the station reconnects', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 0 });
    await charger.close();
    const again = await connectCharger(system, station);
    await again.call('MeterValues', { connectorId: 1, transactionId, meterValue: readings('3', '11') });
    await system.deps.sessions.flushLive();
    expect(await sessionRow(system, transactionId)).toMatchObject({ liveEnergyWh: 3_000, livePowerW: 11_000 });
    expect(await anomalyKinds(system, station.id)).toEqual([]);
    expect(again.violations).toEqual([]);
    await again.close();
  });

  it('stops announcing a session once a new one has superseded it on its connector', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const updates = await listenTo(system, 'session.updated');
    const old = await startSession(charger, { connectorId: 1, idTag: (await anIdToken(system)).value, meterStart: 0 });
    const next = await startSession(charger, { connectorId: 1, idTag: (await anIdToken(system)).value, meterStart: 0 });
    await charger.call('MeterValues', { connectorId: 1, transactionId: old.transactionId, meterValue: readings('1', '1') });
    await charger.call('MeterValues', { connectorId: 1, transactionId: next.transactionId, meterValue: readings('2', '2') });
    await updates.next((e) => e.transactionId === String(next.transactionId));
    expect(updates.events.filter((e) => e.identity === station.identity).map((e) => e.transactionId)).toEqual([String(next.transactionId)]);
    updates.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('stops announcing a session once it has been stopped other than by its socket (the stop journal applied)', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const updates = await listenTo(system, 'session.updated');
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 0 });
    await system.deps.sessions.stop(station, {
      transactionId: String(transactionId),
      meterStopWh: 10,
      stoppedAt: new Date(),
      receivedAt: new Date(),
    });
    await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: readings('1', '1') });
    expect(await anomalyKinds(system, station.id)).toEqual(['unknown-transaction']);
    expect(updates.events.filter((e) => e.identity === station.identity)).toEqual([]);
    updates.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each([-1, 0, 999_999, 2 ** 31])(
    'answers {} for unknown transactionId %i, records the anomaly and keeps the samples',
    async (transactionId) => {
      const { station, charger } = await aConnectedCharger(system);
      const updates = await listenTo(system, 'session.updated');
      const meterValue = [
        aMeterValue([
          { value: '1', unit: 'kWh' },
          { value: 'AQID', format: 'SignedData' },
        ]),
      ];
      expect(await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue })).toEqual({});
      expect(await anomalyKinds(system, station.id)).toEqual(['unknown-transaction', 'meter-signed-data']);
      // Kept with the key as the station sent it, and no session.
      expect((await warehouseSamples(system, station.identity)).map((r) => [r.session_id, r.transaction_id, r.value])).toEqual([
        [null, String(transactionId), 1000],
      ]);
      expect(updates.events.filter((e) => e.identity === station.identity)).toEqual([]);
      updates.stop();
      expect(charger.violations).toEqual([]);
      await charger.close();
    },
  );

  it('skips SignedData and values that are not numbers, records why, and keeps the rest of the frame', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 0 });
    const meterValue = [
      aMeterValue([
        { value: 'AQIDBAUGBwg=', format: 'SignedData', measurand: 'Energy.Active.Import.Register' },
        { value: '4.2', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
        { value: 'n/a', measurand: 'Power.Active.Import', unit: 'W' },
        { value: '80', measurand: 'SoC', unit: 'Percent' },
      ]),
    ];
    expect(await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue })).toEqual({});
    const rows = await warehouseSamples(system, station.identity);
    expect(rows.map((r) => [r.measurand, r.value])).toEqual([
      ['Energy.Active.Import.Register', 4_200],
      ['SoC', 80],
    ]);
    expect((await anomalyKinds(system, station.id)).sort()).toEqual(['meter-not-a-number', 'meter-signed-data']);
    await system.deps.sessions.flushLive();
    expect((await sessionRow(system, transactionId)).liveEnergyWh).toBe(4_200);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each([-1, 65_536])('refuses connectorId %i, and the samples that follow still reach the warehouse', async (connectorId) => {
    const { station, charger } = await aConnectedCharger(system);
    await expect(charger.call('MeterValues', { connectorId, meterValue: readings('1', '1') })).rejects.toMatchObject({
      rpcErrorCode: 'PropertyConstraintViolation',
    });
    expect(await charger.call('MeterValues', { connectorId: 1, meterValue: readings('2', '2') })).toEqual({});
    expect((await warehouseSamples(system, station.identity)).map((r) => r.value)).toEqual([2000, 2000]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
