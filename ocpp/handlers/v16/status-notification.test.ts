import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, aStatusNotification, listenTo, sql } from '../../../test/builders.js';
import { aStation, connectCharger } from '../../../test/chargers.js';
import { Connector, StatusEvent } from '../../../schema/entities/index.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('StatusNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const connectors = async (stationId: string) => {
    const rows = await system.deps.orm.em.fork().find(Connector, { station: stationId }, { orderBy: { connectorId: 'asc' } });
    // The status as the station sent it; the neutral one is checked apart.
    return rows.map(({ connectorId, ocppStatus, errorCode, info, vendorId, vendorErrorCode, statusSince }) => ({
      connectorId,
      status: ocppStatus,
      errorCode,
      info,
      vendorId,
      vendorErrorCode,
      statusSince,
    }));
  };

  it('answers with an empty payload', async () => {
    const { charger } = await aConnectedCharger(system);
    expect(await charger.call('StatusNotification', aStatusNotification())).toEqual({});
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each([
    ['Available', 'Available'],
    ['Preparing', 'Occupied'],
    ['Charging', 'Occupied'],
    ['SuspendedEV', 'Occupied'],
    ['SuspendedEVSE', 'Occupied'],
    ['Finishing', 'Occupied'],
    ['Reserved', 'Reserved'],
    ['Unavailable', 'Unavailable'],
    ['Faulted', 'Faulted'],
  ])('keeps %s as sent and as the version-neutral %s, on the EVSE numbered as the connector', async (sent, neutral) => {
    const { station, charger } = await aConnectedCharger(system);
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 2, status: sent }));
    const rows = await system.deps.orm.em.fork().find(Connector, { station: station.id });
    expect(rows.map(({ evseId, connectorId, status, ocppStatus }) => ({ evseId, connectorId, status, ocppStatus }))).toEqual([
      { evseId: 2, connectorId: 2, status: neutral, ocppStatus: sent },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("keeps one row per connector with its latest status, error and the vendor's codes", async () => {
    const { station, charger } = await aConnectedCharger(system);
    await charger.call('StatusNotification', aStatusNotification({ status: 'Available', timestamp: '2026-03-01T09:00:00.000Z' }));
    const faultedAt = '2026-03-01T10:00:00.000Z';
    await charger.call(
      'StatusNotification',
      aStatusNotification({
        status: 'Faulted',
        errorCode: 'GroundFailure',
        info: 'RCD tripped',
        vendorId: 'com.acme',
        vendorErrorCode: 'E-042',
        timestamp: faultedAt,
      }),
    );
    expect(await connectors(station.id)).toEqual([
      {
        connectorId: 1,
        status: 'Faulted',
        errorCode: 'GroundFailure',
        info: 'RCD tripped',
        vendorId: 'com.acme',
        vendorErrorCode: 'E-042',
        statusSince: new Date(faultedAt),
      },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps the newest status by the station clock when an older one arrives late, in the history only', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const statuses = await listenTo(system, 'connector.status');
    await charger.call('StatusNotification', aStatusNotification({ status: 'Charging', timestamp: '2026-03-01T10:05:00.000Z' }));
    // A queue replayed after a reconnect: the status before it comes second.
    await charger.call('StatusNotification', aStatusNotification({ status: 'Preparing', timestamp: '2026-03-01T10:00:00.000Z' }));
    expect(await connectors(station.id)).toMatchObject([{ status: 'Charging', statusSince: new Date('2026-03-01T10:05:00.000Z') }]);
    const history = await system.deps.orm.em.fork().find(StatusEvent, { station: station.id }, { orderBy: { id: 'asc' } });
    expect(history.map((h) => h.status)).toEqual(['Charging', 'Preparing']);
    const announced = () => statuses.events.filter((e) => e.identity === station.identity).map((e) => e.ocppStatus);
    await statuses.next((e) => e.identity === station.identity);
    await new Promise((r) => setTimeout(r, 100));
    expect(announced()).toEqual(['Charging']);
    // Well after the current status was taken, one stamped earlier is news (the station's clock was set back).
    await sql(system, `update connector set updated_at = now() - interval '2 minutes' where station_id = ?`, [station.id]);
    await charger.call('StatusNotification', aStatusNotification({ status: 'Available', timestamp: '2026-03-01T09:00:00.000Z' }));
    expect(await connectors(station.id)).toMatchObject([{ status: 'Available' }]);
    await statuses.next((e) => e.identity === station.identity && e.status === 'Available');
    expect(announced()).toEqual(['Charging', 'Available']);
    statuses.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('clears info and vendor codes the station no longer reports', async () => {
    const { station, charger } = await aConnectedCharger(system);
    await charger.call(
      'StatusNotification',
      aStatusNotification({ status: 'Faulted', errorCode: 'OtherError', info: 'x', vendorErrorCode: 'E1' }),
    );
    await charger.call('StatusNotification', aStatusNotification({ status: 'Available' }));
    expect(await connectors(station.id)).toMatchObject([{ status: 'Available', errorCode: 'NoError', info: null, vendorErrorCode: null }]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("records every notification in the history, with the station's timestamp and the receive time", async () => {
    const { station, charger } = await aConnectedCharger(system);
    const before = Date.now();
    await charger.call('StatusNotification', aStatusNotification({ status: 'Preparing', timestamp: '2026-03-01T10:00:00Z' }));
    await charger.call('StatusNotification', aStatusNotification({ status: 'Charging', timestamp: '2026-03-01T10:00:05Z' }));
    const history = await system.deps.orm.em.fork().find(StatusEvent, { station: station.id }, { orderBy: { id: 'asc' } });
    expect(history.map((h) => [h.connectorId, h.status, h.stationTimestamp?.toISOString()])).toEqual([
      [1, 'Preparing', '2026-03-01T10:00:00.000Z'],
      [1, 'Charging', '2026-03-01T10:00:05.000Z'],
    ]);
    for (const h of history) expect(h.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 50);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('reads a timestamp without a zone as UTC, whatever the server’s time zone', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      await charger.call('StatusNotification', aStatusNotification({ status: 'Preparing', timestamp: '2026-03-01T10:00:00' }));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    const history = await system.deps.orm.em.fork().find(StatusEvent, { station: station.id });
    expect(history.map((h) => h.stationTimestamp?.toISOString())).toEqual(['2026-03-01T10:00:00.000Z']);
    await charger.close();
  });

  it('takes connectorId 0 as the station itself, and announces it as the station status', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const stationStatus = await listenTo(system, 'station.status');
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 0, status: 'Unavailable' }));
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 1, status: 'Available' }));
    expect((await connectors(station.id)).map((c) => [c.connectorId, c.status])).toEqual([
      [0, 'Unavailable'],
      [1, 'Available'],
    ]);
    const event = await stationStatus.next((e) => e.identity === station.identity);
    expect(event).toMatchObject({ stationId: station.id, status: 'Unavailable', errorCode: 'NoError' });
    stationStatus.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('publishes connector.status on the bus', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const statuses = await listenTo(system, 'connector.status');
    const timestamp = '2026-03-01T11:00:00.000Z';
    await charger.call('StatusNotification', aStatusNotification({ connectorId: 2, status: 'SuspendedEV', info: 'car full', timestamp }));
    const event = await statuses.next((e) => e.identity === station.identity);
    expect(event).toEqual({
      stationId: station.id,
      identity: station.identity,
      evseId: 2,
      connectorId: 2,
      status: 'Occupied',
      ocppStatus: 'SuspendedEV',
      errorCode: 'NoError',
      info: 'car full',
      vendorErrorCode: null,
      at: timestamp,
    });
    statuses.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('records the first notifications of many stations reconnecting at once', async () => {
    const stations = await Promise.all(Array.from({ length: 12 }, () => aStation(system)));
    const chargers = await Promise.all(stations.map((s) => connectCharger(system, s)));
    await Promise.all(
      chargers.map(async (charger) => {
        for (const connectorId of [0, 1, 2]) await charger.call('StatusNotification', aStatusNotification({ connectorId }));
      }),
    );
    const [row] = await sql<{ n: string }>(system, 'select count(*) as n from connector where station_id = any(?::uuid[])', [
      `{${stations.map((s) => s.id).join(',')}}`,
    ]);
    expect(Number(row!.n)).toBe(36);
    for (const charger of chargers) expect(charger.violations).toEqual([]);
    await Promise.all(chargers.map((c) => c.close()));
  });

  it.each([-1, 65_536])('refuses connectorId %i as out of range, and keeps the connection', async (connectorId) => {
    const { station, charger } = await aConnectedCharger(system);
    await expect(charger.call('StatusNotification', aStatusNotification({ connectorId }))).rejects.toMatchObject({
      rpcErrorCode: 'PropertyConstraintViolation',
    });
    expect(await charger.call('StatusNotification', aStatusNotification())).toEqual({});
    expect((await connectors(station.id)).map((c) => c.connectorId)).toEqual([1]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
