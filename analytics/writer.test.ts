import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aStationAt, aTagOf } from '../test/api-data.js';
import { anOrganisation } from '../test/api.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import type { StationIdentity } from '../stations/service.js';

// The facts the analytics worker writes from PostgreSQL's state: from the events, and from the sweep when
// the events never came; a fact written twice is one row.

describe('the analytics facts', () => {
  let system: TestSystem;
  let station: StationIdentity;
  let org: { organisationId: string; siteId: string };
  const analyticsOf = () => {
    const workers = system.workers;
    if (!workers) throw new Error('no workers');
    return workers.analytics;
  };
  const rows = async <T>(query: string): Promise<T[]> => {
    const { warehouse } = system.deps;
    const result = await warehouse.client.query({ query: query.replaceAll('{db}', warehouse.database), format: 'JSONEachRow' });
    return result.json<T>();
  };

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['workers'], env: { ANALYTICS_SWEEP_INTERVAL: '3600' } });
    org = await anOrganisation(system);
    station = await aStationAt(system, org.siteId, `AN-${process.pid}`);
    await analyticsOf().sweepNow();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('writes an ended session with its site, organisation, energy, charging and idle time and success', async () => {
    const tag = await aTagOf(system, null);
    const startedAt = new Date(Date.UTC(2026, 5, 1, 10));
    // Charging from 10:00 to 10:40 of a session from 10:00 to 11:00: 2,400 s charging, 1,200 s idle.
    await system.deps.stations.recordStatus(
      station,
      { connectorId: 1, status: 'Charging', errorCode: 'NoError', timestamp: startedAt.toISOString() },
      startedAt,
    );
    const at40 = new Date(startedAt.getTime() + 2_400_000);
    await system.deps.stations.recordStatus(
      station,
      { connectorId: 1, status: 'SuspendedEV', errorCode: 'NoError', timestamp: at40.toISOString() },
      at40,
    );
    const session = await aSession(system, station, tag, { startedAt, meterStartWh: 1000, stop: { meterStopWh: 8500 } });
    // The event reaches the worker through Redis; its facts are written at the next flush.
    const fact = await eventually(async () => {
      await analyticsOf().flush();
      return (await rows<Record<string, unknown>>(`SELECT * FROM {db}.session_facts WHERE session_id = '${session.id}'`))[0];
    });
    expect(fact).toMatchObject({
      station: station.identity,
      connector_id: 1,
      site_id: org.siteId,
      organisation_id: org.organisationId,
      energy_wh: 7500,
      charging_seconds: 2400,
      idle_seconds: 1200,
      stop_reason: 'Local',
      success: 1,
    });
  });

  it('turns StatusNotifications into intervals, the previous one closed when the next arrives', async () => {
    const at = (h: number) => new Date(Date.UTC(2026, 5, 2, h));
    for (const [h, status] of [
      [0, 'Available'],
      [6, 'Faulted'],
      [12, 'Available'],
    ] as const) {
      await system.deps.stations.recordStatus(
        station,
        { connectorId: 2, status, errorCode: status === 'Faulted' ? 'GroundFailure' : 'NoError', timestamp: at(h).toISOString() },
        at(h),
      );
    }
    const intervals = await eventually(async () => {
      await analyticsOf().flush();
      const found = await rows<{ status: string; started_at: string; ended_at: string | null }>(
        `SELECT status, started_at, ended_at FROM {db}.status_facts WHERE station = '${station.identity}' AND connector_id = 2 ORDER BY started_at`,
      );
      return found.length === 3 && found[1]?.ended_at ? found : undefined;
    });
    expect(intervals).toEqual([
      { status: 'Available', started_at: '2026-06-02 00:00:00.000', ended_at: '2026-06-02 06:00:00.000' },
      { status: 'Faulted', started_at: '2026-06-02 06:00:00.000', ended_at: '2026-06-02 12:00:00.000' },
      { status: 'Available', started_at: '2026-06-02 12:00:00.000', ended_at: null },
    ]);
  });

  it('makes up for events the bus dropped with the sweep, and a sweep repeated from the start counts each fact once', async () => {
    // Written in PostgreSQL with no event: as if the bus had dropped it.
    await system.deps.sql.query(
      `insert into status_event (station_id, connector_id, status, error_code, station_timestamp, received_at) values ($1, 3, 'Unavailable', 'NoError', $2, $2)`,
      [station.id, new Date(Date.UTC(2026, 5, 3, 8))],
    );
    await analyticsOf().sweepNow();
    const count = () => rows<{ n: string }>(`SELECT count() AS n FROM {db}.status_facts WHERE station = '${station.identity}'`);
    const sessions = () =>
      rows<{ n: string; e: string }>(
        `SELECT count() AS n, sum(energy_wh) AS e FROM {db}.session_facts WHERE station = '${station.identity}'`,
      );
    const before = { intervals: await count(), sessions: await sessions() };
    expect(
      (
        await rows<{ status: string }>(`SELECT status FROM {db}.status_facts WHERE station = '${station.identity}' AND connector_id = 3`)
      ).map((r) => r.status),
    ).toEqual(['Unavailable']);
    // Forget how far the sweeps got: the next one writes every fact again.
    const marks = await system.deps.redis.keys(`${system.deps.config.REDIS_PREFIX}:analytics:mark:*`);
    await system.deps.redis.del(...marks);
    await analyticsOf().sweepNow();
    expect({ intervals: await count(), sessions: await sessions() }).toEqual(before);
    expect(before.sessions.map((r) => [Number(r.n), Number(r.e)])).toEqual([[1, 7500]]);
  });

  it('opens an offline period when the station goes offline and closes it when it is back', async () => {
    const writer = analyticsOf().writer;
    await writer.connection(station.id, false, new Date(Date.UTC(2026, 5, 4, 1)));
    await writer.connection(station.id, false, new Date(Date.UTC(2026, 5, 4, 1, 30)));
    await writer.connection(station.id, true, new Date(Date.UTC(2026, 5, 4, 3)));
    expect(
      await rows(
        `SELECT kind, connector_id, started_at, ended_at FROM {db}.status_facts WHERE station = '${station.identity}' AND kind = 'offline'`,
      ),
    ).toEqual([{ kind: 'offline', connector_id: 0, started_at: '2026-06-04 01:00:00.000', ended_at: '2026-06-04 03:00:00.000' }]);
  });
});
