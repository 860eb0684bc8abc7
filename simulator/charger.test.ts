import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdToken } from '../schema/entities/index.js';
import { aStation, anIdentity } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { SimulatedCharger } from './charger.js';

describe('SimulatedCharger', () => {
  let system: TestSystem;
  const chargers: SimulatedCharger[] = [];
  const sql = <T extends Record<string, unknown>[]>(query: string, params: unknown[] = []) =>
    system.deps.orm.em.fork().getConnection().execute<T>(query, params);

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'], env: { OCPP_HEARTBEAT_INTERVAL: '60' } });
  });
  afterAll(async () => {
    for (const charger of chargers) await charger.stop().catch(() => {});
    await system?.close();
  });

  /** A station in evcms, an RFID tag that may charge, and a simulator connected and booted as that station. */
  async function aBootedCharger() {
    const station = await aStation(system);
    const tag = anIdentity('T').replaceAll('-', '').slice(0, 20).toUpperCase();
    const em = system.deps.orm.em.fork();
    em.create(IdToken, { value: tag, type: 'RFID', status: 'Accepted', maxConcurrent: 1 });
    await em.flush();
    const charger = new SimulatedCharger({
      url: system.ocppUrl,
      identity: station.identity,
      password: station.password ?? undefined,
      connectors: 2,
      meterIntervalMs: 100,
      powerW: 22_000,
      initialEnergyWh: 1_000_000,
    });
    chargers.push(charger);
    expect(await charger.start()).toBe('Accepted');
    return { station, tag, charger };
  }

  it('boots, charges with periodic MeterValues, stops, and leaves the session, the statuses and the samples behind', async () => {
    const { station, tag, charger } = await aBootedCharger();
    expect(charger.heartbeatIntervalMs).toBe(60_000);

    const transactionId = await charger.startSession(1, tag);
    await eventually(() => charger.stats.meterValues >= 3, 5000);
    await charger.stopSession(1, 'Local');
    expect(charger.stats.errors).toBe(0);

    const [session] = await sql<{ state: string; energy_wh: string; stop_reason: string; meter_start_wh: string }[]>(
      'select state, energy_wh, stop_reason, meter_start_wh from charging_session where transaction_id = ?',
      [String(transactionId)],
    );
    expect(session).toMatchObject({ state: 'Completed', stop_reason: 'Local' });
    expect(Number(session?.meter_start_wh)).toBe(1_000_000);
    expect(Number(session?.energy_wh)).toBeGreaterThan(0);

    const history = await sql<{ connector_id: number; status: string }[]>(
      'select connector_id, status from status_event where station_id = ? order by id',
      [station.id],
    );
    expect(history.filter((h) => h.connector_id === 1).map((h) => h.status)).toEqual([
      'Available',
      'Preparing',
      'Charging',
      'Finishing',
      'Available',
    ]);
    expect(history.filter((h) => h.connector_id !== 1).map((h) => `${h.connector_id}:${h.status}`)).toEqual(['0:Available', '2:Available']);

    expect(await system.workers!.sink.drain()).toBe(true);
    const table = system.deps.warehouse.table('meter_values');
    const result = await system.deps.warehouse.client.query({
      query: `SELECT count() AS n, uniqExact(measurand) AS measurands, countIf(source = 'StopTransaction') AS stop
              FROM ${table} FINAL WHERE station = {station:String} AND transaction_id = {tx:String}`,
      query_params: { station: station.identity, tx: String(transactionId) },
      format: 'JSONEachRow',
    });
    const [rows] = (await result.json()) as Array<{ n: string; measurands: string; stop: string }>;
    // At least 3 MeterValues of 10 sampled values, plus Transaction.Begin and .End in StopTransaction.
    expect(Number(rows?.n)).toBeGreaterThanOrEqual(3 * 10 + 2 * 10);
    expect(Number(rows?.stop)).toBe(20);
    expect(Number(rows?.measurands)).toBe(6);
  });

  it('starts on a remote start and stops on a remote stop from the CSMS', async () => {
    const { station, tag, charger } = await aBootedCharger();
    const link = system.gateway!.connection(station.identity)!;

    expect(await link.call('RemoteStartTransaction', { idTag: tag })).toEqual({ status: 'Accepted' });
    const started = await eventually(() => (charger.connectors[0]?.status === 'Charging' ? charger.connectors[0] : false));
    const transactionId = started.transactionId!;
    expect(await link.call('RemoteStartTransaction', { idTag: tag, connectorId: 1 })).toEqual({ status: 'Rejected' });

    expect(await link.call('RemoteStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
    const stopped = await eventually(async () => {
      const [row] = await sql<{ state: string; stop_reason: string }[]>(
        'select state, stop_reason from charging_session where transaction_id = ?',
        [String(transactionId)],
      );
      return row?.state === 'Completed' ? row : false;
    });
    expect(stopped.stop_reason).toBe('Remote');
    await eventually(() => charger.connectors[0]?.status === 'Available');
  });

  it('answers configuration and trigger commands, and refuses one it does not know with NotImplemented', async () => {
    const { station, charger } = await aBootedCharger();
    const link = system.gateway!.connection(station.identity)!;

    const config = await link.call('GetConfiguration', { key: ['NumberOfConnectors', 'NoSuchKey'] });
    expect(config).toEqual({ configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '2' }], unknownKey: ['NoSuchKey'] });
    expect(await link.call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' })).toEqual({ status: 'Accepted' });
    expect(charger.heartbeatIntervalMs).toBe(30_000);
    expect(await link.call('TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await eventually(() => charger.stats.heartbeats === 1);
    await expect(link.call('GetLocalListVersion', {})).rejects.toMatchObject({ code: 'NotImplemented' });
  });

  it('reports a fault, and reconnects without a new BootNotification', async () => {
    const { station, charger } = await aBootedCharger();
    await charger.fault(2, 'GroundFailure');
    const [connector] = await sql<{ status: string; error_code: string }[]>(
      'select status, error_code from connector where station_id = ? and connector_id = 2',
      [station.id],
    );
    expect(connector).toEqual({ status: 'Faulted', error_code: 'GroundFailure' });

    await charger.reconnect();
    await charger.sendHeartbeat();
    await charger.clearFault(2);
    const boots = await sql<{ n: string }[]>('select count(*) as n from boot_event where station_id = ?', [station.id]);
    expect(Number(boots[0]?.n)).toBe(1);
    expect(system.gateway!.connection(station.identity)).toBeDefined();
  });

  it('is refused with HTTP 401 for a wrong password', async () => {
    const station = await aStation(system);
    const charger = new SimulatedCharger({
      url: system.ocppUrl,
      identity: station.identity,
      password: 'not-the-password-at-all',
      meterIntervalMs: 1000,
    });
    await expect(charger.start()).rejects.toThrow('HTTP 401');
  });
});
