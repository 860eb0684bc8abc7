import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_BEHIND_CHUNK } from '../../../database/sql.js';
import { aConnectedCharger, sql } from '../../../test/builders.js';
import { aStation, connectCharger } from '../../../test/chargers.js';
import { Station } from '../../../schema/entities/index.js';
import { PRESENCE_RESOLUTION_S } from '../../../stations/presence.js';
import { eventually, startTestSystem, type TestSystem } from '../../../test/system.js';

describe('Heartbeat', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const stationRow = (id: string) => system.deps.orm.em.fork().findOneOrFail(Station, { id });

  it('returns the current time, so the station can set its clock', async () => {
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<{ currentTime: string }>('Heartbeat');
    expect(answer.currentTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(Math.abs(Date.parse(answer.currentTime) - Date.now())).toBeLessThan(2000);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("writes the station's last_seen_at once presence is flushed", async () => {
    const { station, charger } = await aConnectedCharger(system);
    await eventually(async () => (await stationRow(station.id)).online);
    await sql(system, `update station set last_seen_at = '2020-01-01T00:00:00Z' where id = ?`, [station.id]);
    const before = Date.now();
    await charger.call('Heartbeat');
    await system.deps.presence.flush();
    const row = await stationRow(station.id);
    expect(row.lastSeenAt).toBeInstanceOf(Date);
    expect(row.lastSeenAt!.getTime()).toBeGreaterThanOrEqual(before - 50);
    expect(row.lastSeenAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps the latest last_seen_at when an older one is flushed after it', async () => {
    const { station, charger } = await aConnectedCharger(system);
    await eventually(async () => (await stationRow(station.id)).online);
    await charger.call('Heartbeat');
    await system.deps.presence.flush();
    const seen = (await stationRow(station.id)).lastSeenAt!;
    system.deps.presence.touch(station.id, new Date('2020-01-01T00:00:00Z'));
    await system.deps.presence.flush();
    expect((await stationRow(station.id)).lastSeenAt).toEqual(seen);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('rewrites last_seen_at only when it moves on by the presence resolution', async () => {
    const station = await aStation(system);
    const stored = new Date('2026-11-26T12:00:00.000Z');
    await sql(system, `update station set last_seen_at = ? where id = ?`, [stored, station.id]);
    system.deps.presence.touch(station.id, stored.getTime() + (PRESENCE_RESOLUTION_S - 1) * 1000);
    await system.deps.presence.flush();
    expect((await stationRow(station.id)).lastSeenAt).toEqual(stored);
    const later = new Date(stored.getTime() + PRESENCE_RESOLUTION_S * 1000);
    system.deps.presence.touch(station.id, later);
    await system.deps.presence.flush();
    expect((await stationRow(station.id)).lastSeenAt).toEqual(later);
  });

  it('flushes more presence than one statement takes, in chunks, and writes every station', async () => {
    const first = await aStation(system);
    const last = await aStation(system);
    await sql(system, `update station set last_seen_at = null where id in (?, ?)`, [first.id, last.id]);
    await system.deps.presence.flush();
    const at = new Date('2026-11-26T12:00:00.123Z');
    system.deps.presence.touch(first.id, at);
    // Stations that do not exist (deleted meanwhile, say) change nothing and break nothing.
    for (let i = 0; i < WRITE_BEHIND_CHUNK + 500; i++) system.deps.presence.touch(randomUUID(), at);
    system.deps.presence.touch(last.id, at);
    expect(await system.deps.presence.flush()).toBe(WRITE_BEHIND_CHUNK + 502);
    expect((await stationRow(first.id)).lastSeenAt).toEqual(at);
    expect((await stationRow(last.id)).lastSeenAt).toEqual(at);
    expect(await system.deps.presence.flush()).toBe(0);
  });

  it('answers a station that is still Pending, so its clock is right before it is accepted', async () => {
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const charger = await connectCharger(system, station);
    const answer = await charger.call<{ currentTime: string }>('Heartbeat');
    expect(Math.abs(Date.parse(answer.currentTime) - Date.now())).toBeLessThan(2000);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
