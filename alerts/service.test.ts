import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aStationAt, aTagOf } from '../test/api-data.js';
import { anOrganisation } from '../test/api.js';
import { sql } from '../test/builders.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

describe('alerts', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
  });
  afterAll(() => system?.close());

  /** A station of a fresh organisation, online now unless told otherwise. */
  const aStationOfItsOwn = async () => {
    const org = await anOrganisation(system);
    const station = await aStationAt(system, org.siteId, `AL-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`);
    await sql(system, 'update station set online = true, last_seen_at = now() where id = ?', [station.id]);
    return { org, station };
  };
  const openAlerts = (stationId: string) =>
    sql<{ kind: string; cause_key: string; state: string }>(
      system,
      `select kind, cause_key, state from alert where station_id = ? and state <> 'resolved' order by kind, cause_key`,
      [stationId],
    );
  const sweep = () => system.deps.alerts.sweep();

  it('raise a station offline past the threshold once, and resolve it when it is back', async () => {
    const { org, station } = await aStationOfItsOwn();
    await sql(system, `update station set online = false, last_seen_at = now() - interval '4 minutes' where id = ?`, [station.id]);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
    await sql(system, `update station set last_seen_at = now() - interval '6 minutes' where id = ?`, [station.id]);
    const first = await sweep();
    expect(first.raised.filter((a) => a.stationId === station.id)).toMatchObject([
      { kind: 'station-offline', severity: 'major', organisationId: org.organisationId, stationIdentity: station.identity },
    ]);
    expect((await sweep()).raised.filter((a) => a.stationId === station.id)).toEqual([]);
    expect(await openAlerts(station.id)).toEqual([{ kind: 'station-offline', cause_key: '', state: 'open' }]);
    await sql(system, 'update station set online = true, last_seen_at = now() where id = ?', [station.id]);
    const back = await sweep();
    expect(back.resolved.filter((a) => a.stationId === station.id)).toMatchObject([{ kind: 'station-offline', resolvedBy: null }]);
    expect(await openAlerts(station.id)).toEqual([]);
  });

  it('raise and resolve, in a sweep scoped to some stations, those stations only', async () => {
    const one = await aStationOfItsOwn();
    const other = await aStationOfItsOwn();
    const away = `update station set online = false, last_seen_at = now() - interval '6 minutes' where id = any(?::uuid[])`;
    await sql(system, away, [`{${one.station.id},${other.station.id}}`]);
    const scoped = await system.deps.alerts.sweep([one.station.id]);
    expect(scoped.raised.map((a) => a.stationId)).toEqual([one.station.id]);
    expect(await openAlerts(other.station.id)).toEqual([]);
    await sweep();
    expect(await openAlerts(other.station.id)).toEqual([{ kind: 'station-offline', cause_key: '', state: 'open' }]);
    await sql(system, 'update station set online = true, last_seen_at = now() where id = any(?::uuid[])', [
      `{${one.station.id},${other.station.id}}`,
    ]);
    const back = await system.deps.alerts.sweep([other.station.id]);
    expect(back.resolved.map((a) => a.stationId)).toEqual([other.station.id]);
    expect(await openAlerts(one.station.id)).toEqual([{ kind: 'station-offline', cause_key: '', state: 'open' }]);
  });

  it('leave the alerts of the kinds a sweep does not look at as they are', async () => {
    const { station } = await aStationOfItsOwn();
    await sql(system, `update station set online = false, last_seen_at = now() - interval '6 minutes' where id = ?`, [station.id]);
    await sweep();
    await sql(system, 'update station set online = true, last_seen_at = now() where id = ?', [station.id]);
    expect((await system.deps.alerts.sweep([station.id], ['connector-faulted'])).resolved).toEqual([]);
    expect(await openAlerts(station.id)).toEqual([{ kind: 'station-offline', cause_key: '', state: 'open' }]);
    expect((await system.deps.alerts.sweep([station.id])).resolved.map((a) => a.kind)).toEqual(['station-offline']);
  });

  it('follow the organisation threshold, and refuse one out of range naming it', async () => {
    const { org, station } = await aStationOfItsOwn();
    await system.deps.alerts.setSettings(org.organisationId, { thresholds: { offlineMinutes: 60 } }, 'test');
    await sql(system, `update station set online = false, last_seen_at = now() - interval '30 minutes' where id = ?`, [station.id]);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
    await expect(system.deps.alerts.setSettings(org.organisationId, { thresholds: { offlineMinutes: 0 } }, 'test')).rejects.toThrow(
      /^thresholds.offlineMinutes: expected a whole number from 1 to 10080/,
    );
    await expect(system.deps.alerts.setSettings(org.organisationId, { emails: ['not an address'] }, 'test')).rejects.toThrow(/^emails:/);
    expect((await system.deps.alerts.settings(org.organisationId)).thresholds.offlineMinutes).toBe(60);
  });

  it('raise a faulted connector with its error codes, one per connector, resolved when it recovers', async () => {
    const { station } = await aStationOfItsOwn();
    const status = (connectorId: number, ocppStatus: string, errorCode = 'NoError') =>
      system.deps.stations.recordStatus(
        station,
        {
          connectorId,
          status: ocppStatus,
          errorCode,
          vendorErrorCode: errorCode === 'NoError' ? undefined : 'E42',
          timestamp: new Date().toISOString(),
        },
        new Date(),
      );
    await status(1, 'Faulted', 'GroundFailure');
    await status(2, 'Faulted', 'OverCurrentFailure');
    const raised = (await sweep()).raised.filter((a) => a.stationId === station.id);
    expect(raised.map((a) => [a.causeKey, a.message]).sort()).toEqual([
      ['connector:1', 'connector 1 faulted: GroundFailure (E42)'],
      ['connector:2', 'connector 2 faulted: OverCurrentFailure (E42)'],
    ]);
    await status(1, 'Available');
    const { resolved } = await sweep();
    expect(resolved.filter((a) => a.stationId === station.id).map((a) => a.causeKey)).toEqual(['connector:1']);
    expect(await openAlerts(station.id)).toEqual([{ kind: 'connector-faulted', cause_key: 'connector:2', state: 'open' }]);
  });

  it('raise a boot loop, silent and overlong sessions, failed firmware and diagnostics; and resolve them as they clear', async () => {
    const { station } = await aStationOfItsOwn();
    for (let n = 0; n < 5; n++)
      await sql(
        system,
        `insert into boot_event (station_id, vendor, model, answered, received_at) values (?, 'V', 'M', 'Accepted', now() - make_interval(mins => ?))`,
        [station.id, n],
      );
    const tag = await aTagOf(system, null);
    const silent = await aSession(system, station, tag, { connectorId: 1, startedAt: new Date(Date.now() - 40 * 60_000) });
    const long = await aSession(system, station, tag, { connectorId: 2, startedAt: new Date(Date.now() - 25 * 3_600_000) });
    await sql(system, 'update charging_session set last_meter_at = now() where id = ?', [long.id]);
    await sql(system, `update station set firmware_status = 'InstallationFailed', diagnostics_status = 'UploadFailed' where id = ?`, [
      station.id,
    ]);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([
      { kind: 'boot-loop', cause_key: '', state: 'open' },
      { kind: 'diagnostics-failed', cause_key: '', state: 'open' },
      { kind: 'firmware-failed', cause_key: '', state: 'open' },
      { kind: 'session-silent', cause_key: silent.id, state: 'open' },
      { kind: 'session-too-long', cause_key: long.id, state: 'open' },
    ]);
    await sql(system, `update boot_event set received_at = now() - interval '2 hours' where station_id = ?`, [station.id]);
    await sql(system, `update station set firmware_status = 'Installed', diagnostics_status = 'Uploaded' where id = ?`, [station.id]);
    await sql(system, 'update charging_session set last_meter_at = now() where id = ?', [silent.id]);
    await sql(system, `update charging_session set state = 'Completed' where id = ?`, [long.id]);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
  });

  it('raise a clock far from evcms on the latest status, resolved by a status stamped right', async () => {
    const { station } = await aStationOfItsOwn();
    const status = (stamped: Date) =>
      system.deps.stations.recordStatus(
        station,
        { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: stamped.toISOString() },
        new Date(),
      );
    await status(new Date(Date.now() + 200_000));
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
    await status(new Date(Date.now() + 400_000));
    const [raised] = (await sweep()).raised.filter((a) => a.stationId === station.id);
    expect(raised).toMatchObject({ kind: 'clock-skew', message: expect.stringMatching(/^clock 40\d s off$/) });
    await status(new Date());
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
  });

  it('raise repeated starts that ended at once without energy', async () => {
    const { station } = await aStationOfItsOwn();
    const tag = await aTagOf(system, null);
    const aFailedStart = (n: number) => {
      const at = new Date(Date.now() - (10 - n) * 60_000);
      return aSession(system, station, tag, {
        connectorId: 1,
        startedAt: at,
        meterStartWh: 500,
        stop: { meterStopWh: 500, at: new Date(at.getTime() + 20_000) },
      });
    };
    await aFailedStart(1);
    await aFailedStart(2);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([]);
    await aFailedStart(3);
    await sweep();
    expect(await openAlerts(station.id)).toEqual([{ kind: 'failed-starts', cause_key: '', state: 'open' }]);
  });

  it('are acknowledged by someone, and resolved by hand with a note, announced once', async () => {
    const { station } = await aStationOfItsOwn();
    await sql(system, `update station set firmware_status = 'DownloadFailed' where id = ?`, [station.id]);
    const [alert] = (await sweep()).raised.filter((a) => a.stationId === station.id);
    const events: unknown[] = [];
    const stop = await system.deps.events.subscribe('alert.resolved', (e) => {
      if (e.alertId === alert?.id) events.push(e);
    });
    expect(await system.deps.alerts.acknowledge(alert?.id as string, 'user-1')).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'user-1',
    });
    expect(await system.deps.alerts.resolve(alert?.id as string, 'user-1', 'replaced the SD card')).toMatchObject({
      state: 'resolved',
      resolvedBy: 'user-1',
      resolution: 'replaced the SD card',
    });
    expect(await system.deps.alerts.resolve(alert?.id as string, 'user-2', 'again')).toMatchObject({ resolvedBy: 'user-1' });
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toHaveLength(1);
    stop();
  });
});
