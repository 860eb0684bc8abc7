import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { expireReservations, reconcileSessions } from './maintenance.js';

describe('maintenance jobs', () => {
  let system: TestSystem;
  const sql = () => system.deps.orm.em.fork().getConnection();
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['workers'] });
  });
  afterAll(() => system?.close());

  it('closes a session silent for longer than the rule allows, keeping its live energy and flagging it', async () => {
    const station = await aStation(system);
    const [stale] = await sql().execute<{ id: number }[]>(
      `insert into charging_transaction (start_key, station_id, connector_id, id_tag, auth_status, meter_start_wh, started_at, start_received_at, live_energy_wh, updated_at)
       values ('k-stale', ?, 1, 'TAG', 'Accepted', 0, now() - interval '3 days', now() - interval '3 days', 4200, now()) returning id`,
      [station.id],
    );
    const [fresh] = await sql().execute<{ id: number }[]>(
      `insert into charging_transaction (start_key, station_id, connector_id, id_tag, auth_status, meter_start_wh, started_at, start_received_at, updated_at)
       values ('k-fresh', ?, 2, 'TAG2', 'Accepted', 0, now() - interval '1 hour', now(), now()) returning id`,
      [station.id],
    );
    expect(await reconcileSessions(system.deps.orm, 48)).toEqual([stale?.id]);
    const rows = await sql().execute(
      'select id, state, stop_reason, energy_wh, flags from charging_transaction where station_id = ? order by id',
      [station.id],
    );
    expect(rows).toEqual([
      { id: stale?.id, state: 'Completed', stop_reason: 'Reconciled', energy_wh: '4200', flags: ['stop-lost'] },
      { id: fresh?.id, state: 'Active', stop_reason: null, energy_wh: null, flags: [] },
    ]);
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
