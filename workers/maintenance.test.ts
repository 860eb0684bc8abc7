import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { expireReservations, reconcileSessions, sweepVanishedGateways } from './maintenance.js';

describe('maintenance jobs', () => {
  let system: TestSystem;
  const sql = () => system.deps.orm.em.fork().getConnection();
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['workers'] });
  });
  afterAll(() => system?.close());

  it('closes a session silent for longer than the rule allows, keeping its live energy and flagging it', async () => {
    const station = await aStation(system);
    const [stale] = await sql().execute<{ id: string }[]>(
      `insert into charging_session (id, transaction_id, evse_id, start_key, station_id, connector_id, id_tag, auth_status, meter_start_wh, started_at, start_received_at, live_energy_wh, updated_at)
       values (gen_random_uuid(), nextval('ocpp16_transaction_id')::text, 1, 'k-stale', ?, 1, 'TAG', 'Accepted', 0, now() - interval '3 days', now() - interval '3 days', 4200, now()) returning id`,
      [station.id],
    );
    const [fresh] = await sql().execute<{ id: string }[]>(
      `insert into charging_session (id, transaction_id, evse_id, start_key, station_id, connector_id, id_tag, auth_status, meter_start_wh, started_at, start_received_at, updated_at)
       values (gen_random_uuid(), nextval('ocpp16_transaction_id')::text, 2, 'k-fresh', ?, 2, 'TAG2', 'Accepted', 0, now() - interval '1 hour', now(), now()) returning id`,
      [station.id],
    );
    expect(await reconcileSessions(system.deps, 48)).toEqual([stale?.id]);
    const rows = await sql().execute(
      `select id, state, stop_reason, energy_wh, flags, stopped_at = started_at as stopped_at_start from charging_session
       where station_id = ? order by started_at`,
      [station.id],
    );
    expect(rows).toEqual([
      // No meter value ever came: it ends where it started, as far as evcms knows.
      {
        id: stale?.id,
        state: 'Completed',
        stop_reason: 'Reconciled: no word of it for 48 h',
        energy_wh: '4200',
        flags: ['stop-lost'],
        stopped_at_start: true,
      },
      { id: fresh?.id, state: 'Active', stop_reason: null, energy_wh: null, flags: [], stopped_at_start: null },
    ]);
  });

  it('marks offline the stations of a gateway node that vanished without a word, and drops its claims', async () => {
    const [lost, kept, moved] = [await aStation(system), await aStation(system), await aStation(system)];
    const { redis, config } = system.deps;
    const claim = (identity: string) => `${config.REDIS_PREFIX}:station-node:${identity}`;
    await sql().execute(`update station set online = true, gateway_node = 'vanished-node' where id in (?, ?)`, [lost.id, moved.id]);
    await sql().execute(`update station set online = true, gateway_node = 'live-node' where id = ?`, [kept.id]);
    await redis.set(`${config.REDIS_PREFIX}:node:live-node:alive`, '1', 'PX', 30_000);
    await redis.set(claim(lost.identity), 'vanished-node');
    await redis.set(claim(kept.identity), 'live-node');
    // Its socket reached another node meanwhile, which claimed it in Redis; the table is written next.
    await redis.set(claim(moved.identity), 'live-node');
    const offline: string[] = [];
    await system.deps.events.subscribe('station.online', (event) => {
      if (!event.online) offline.push(event.identity);
    });

    expect(await sweepVanishedGateways(system.deps)).toBe(2);
    const rows = await sql().execute('select identity, online, gateway_node from station where id in (?, ?, ?) order by identity', [
      lost.id,
      kept.id,
      moved.id,
    ]);
    expect(rows).toEqual(
      [
        { identity: lost.identity, online: false, gateway_node: null },
        { identity: kept.identity, online: true, gateway_node: 'live-node' },
        { identity: moved.identity, online: false, gateway_node: null },
      ].sort((a, b) => (a.identity < b.identity ? -1 : 1)),
    );
    expect(await redis.get(claim(lost.identity))).toBeNull();
    expect(await redis.get(claim(kept.identity))).toBe('live-node');
    expect(await redis.get(claim(moved.identity))).toBe('live-node');
    await eventually(() => offline.length === 2);
    expect(offline.sort()).toEqual([lost.identity, moved.identity].sort());
    // Nothing is left to sweep.
    expect(await sweepVanishedGateways(system.deps)).toBe(0);
  });

  it('marks reservations past their expiry as Expired', async () => {
    const station = await aStation(system);
    await sql().execute(
      `insert into reservation (station_id, connector_id, id_tag, expires_at, status, created_at, updated_at)
       values (?, 1, 'A', now() - interval '1 minute', 'Accepted', now(), now()), (?, 2, 'B', now() + interval '1 hour', 'Accepted', now(), now())`,
      [station.id, station.id],
    );
    expect(await expireReservations(system.deps.orm)).toBe(1);
    const rows = await sql().execute('select id_tag, status from reservation where station_id = ? order by id_tag', [station.id]);
    expect(rows).toEqual([
      { id_tag: 'A', status: 'Expired' },
      { id_tag: 'B', status: 'Accepted' },
    ]);
  });
});
