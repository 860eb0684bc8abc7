import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Orm } from '../../database/orm.js';
import { dropDatabase } from '../../test/system.js';

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evcms';

/** A database of its own, migrated up to `to` (all when undefined). */
async function databaseAt(to?: string): Promise<{ orm: Orm; url: string }> {
  const url = new URL(base);
  url.pathname = `/evcms_migrations_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const orm = await openDatabase(url.toString(), { migrate: false });
  await orm.migrator.up(to ? { to } : undefined);
  return { orm, url: url.toString() };
}

describe('PostgreSQL migrations', () => {
  const opened: { orm: Orm; url: string }[] = [];
  afterAll(async () => {
    for (const { orm, url } of opened) {
      await orm.close();
      await dropDatabase(url);
    }
  });

  it('carry connectors over to EVSEs: evseId = connectorId, the 1.6 status kept as sent and mapped to the neutral one', async () => {
    const db = await databaseAt('Migration20261127050000_offered_password');
    opened.push(db);
    const sql = db.orm.em.fork().getConnection();
    const stationId = randomUUID();
    await sql.execute(`insert into station (id, identity, created_at, updated_at) values (?, 'CP-MIGRATE', now(), now())`, [stationId]);
    for (const [connectorId, status] of [
      [0, 'Available'],
      [1, 'Charging'],
      [2, 'SuspendedEVSE'],
      [3, 'Faulted'],
      [4, 'Reserved'],
      [5, 'Something'],
    ] as const) {
      await sql.execute(
        `insert into connector (id, station_id, connector_id, status, updated_at) values (gen_random_uuid(), ?, ?, ?, now())`,
        [stationId, connectorId, status],
      );
    }
    await db.orm.migrator.up();
    const rows = await sql.execute(
      'select evse_id, connector_id, status, ocpp_status from connector where station_id = ? order by connector_id',
      [stationId],
    );
    expect(rows).toEqual([
      { evse_id: 0, connector_id: 0, status: 'Available', ocpp_status: 'Available' },
      { evse_id: 1, connector_id: 1, status: 'Occupied', ocpp_status: 'Charging' },
      { evse_id: 2, connector_id: 2, status: 'Occupied', ocpp_status: 'SuspendedEVSE' },
      { evse_id: 3, connector_id: 3, status: 'Faulted', ocpp_status: 'Faulted' },
      { evse_id: 4, connector_id: 4, status: 'Reserved', ocpp_status: 'Reserved' },
      { evse_id: 5, connector_id: 5, status: 'Unknown', ocpp_status: 'Something' },
    ]);
    await db.orm.migrator.down({ to: 'Migration20261127050000_offered_password' });
    expect(await sql.execute('select connector_id, status from connector where station_id = ? and connector_id = 1', [stationId])).toEqual([
      { connector_id: 1, status: 'Charging' },
    ]);
  });

  it('leave the database as the entities describe it', async () => {
    const db = await databaseAt();
    opened.push(db);
    expect(await db.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });
});
