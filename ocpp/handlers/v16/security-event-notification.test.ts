import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, listenTo, sql } from '../../../test/builders.js';
import { aStation, connectCharger } from '../../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('SecurityEventNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const eventsOf = (stationId: string) =>
    sql<{ type: string; tech_info: string | null; station_timestamp: Date | null }>(
      system,
      'select type, tech_info, station_timestamp from security_event where station_id = ? order by id',
      [stationId],
    );

  it('records the event as sent, answers {} and announces it', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const announced = await listenTo(system, 'station.security');
    const timestamp = '2026-03-01T10:00:00.000Z';
    expect(
      await charger.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp, techInfo: 'lid opened' }),
    ).toEqual({});
    await charger.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: new Date().toISOString() });
    const rows = await eventsOf(station.id);
    expect(rows.map((r) => [r.type, r.tech_info])).toEqual([
      ['TamperDetectionActivated', 'lid opened'],
      ['SettingSystemTime', null],
    ]);
    expect(new Date(rows[0]?.station_timestamp as Date)).toEqual(new Date(timestamp));
    expect(await announced.next((e) => e.identity === station.identity)).toEqual({
      stationId: station.id,
      identity: station.identity,
      type: 'TamperDetectionActivated',
      techInfo: 'lid opened',
      at: timestamp,
    });
    announced.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('takes the event from a station not yet accepted (it reports some while it boots)', async () => {
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const charger = await connectCharger(system, station);
    expect(await charger.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: new Date().toISOString() })).toEqual(
      {},
    );
    expect((await eventsOf(station.id)).map((r) => r.type)).toEqual(['StartupOfTheDevice']);
    expect(charger.violations, JSON.stringify(charger.violations)).toEqual([]);
    await charger.close();
  });
});
