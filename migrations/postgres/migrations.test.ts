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

  it('give sessions their own id, keeping the 1.6 transactionId, the credential type and what pointed at them', async () => {
    const db = await databaseAt('Migration20261202221000_evse_connector_status');
    opened.push(db);
    const sql = db.orm.em.fork().getConnection();
    const stationId = randomUUID();
    const tokenId = randomUUID();
    await sql.execute(`insert into station (id, identity, created_at, updated_at) values (?, 'CP-SESSIONS', now(), now())`, [stationId]);
    await sql.execute(
      `insert into id_token (id, value, type, status, max_concurrent, created_at, updated_at) values (?, 'AABBCCDD', 'RFID', 'Accepted', 1, now(), now())`,
      [tokenId],
    );
    for (const [id, idTag, token] of [
      [5, 'AABBCCDD', tokenId],
      [9, 'STRANGER', null],
    ] as const) {
      await sql.execute(
        `insert into charging_transaction (id, start_key, station_id, connector_id, id_tag, id_token_id, auth_status, meter_start_wh,
           started_at, start_received_at, updated_at) values (?, ?, ?, 2, ?, ?, 'Accepted', 100, now(), now(), now())`,
        [id, `key-${id}`, stationId, idTag, token],
      );
    }
    await sql.execute(`select setval('charging_transaction_id_seq', 9)`);
    await sql.execute(
      `insert into anomaly (station_id, transaction_id, kind, detail, received_at) values (?, 9, 'negative-energy', '{}', now())`,
      [stationId],
    );
    await sql.execute(
      `insert into reservation (station_id, connector_id, id_tag, expires_at, status, transaction_id, created_at, updated_at)
       values (?, 2, 'AABBCCDD', now(), 'Used', 5, now(), now())`,
      [stationId],
    );
    await db.orm.migrator.up();
    const sessions = await sql.execute<{ id: string; transaction_id: string; evse_id: number; credential_type: string }[]>(
      'select id, transaction_id, evse_id, credential_type from charging_session where station_id = ? order by transaction_id',
      [stationId],
    );
    expect(sessions.map(({ id: _, ...rest }) => rest)).toEqual([
      { transaction_id: '5', evse_id: 2, credential_type: 'ISO14443' },
      { transaction_id: '9', evse_id: 2, credential_type: 'Unknown' },
    ]);
    for (const session of sessions) expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    const [five, nine] = sessions;
    expect(await sql.execute('select session_id, transaction_id from anomaly where station_id = ?', [stationId])).toEqual([
      { session_id: nine?.id, transaction_id: '9' },
    ]);
    expect(await sql.execute('select session_id from reservation where station_id = ?', [stationId])).toEqual([{ session_id: five?.id }]);
    // 1.6 ids go on from the last one issued.
    expect(await sql.execute(`select nextval('ocpp16_transaction_id')::int as next`)).toEqual([{ next: 10 }]);
    await db.orm.migrator.down({ to: 'Migration20261202221000_evse_connector_status' });
    expect(await sql.execute('select id, id_tag from charging_transaction where station_id = ? order by id', [stationId])).toEqual([
      { id: 5, id_tag: 'AABBCCDD' },
      { id: 9, id_tag: 'STRANGER' },
    ]);
    expect(await sql.execute('select transaction_id from reservation where station_id = ?', [stationId])).toEqual([{ transaction_id: 5 }]);
    expect(await sql.execute('select transaction_id from anomaly where station_id = ?', [stationId])).toEqual([{ transaction_id: 9 }]);
  });

  it('take the ledger away and bring it back, with its append-only trigger', async () => {
    const db = await databaseAt();
    opened.push(db);
    const sql = db.orm.em.fork().getConnection();
    const tables = `select table_name from information_schema.tables where table_name like 'ledger_%' order by table_name`;
    await db.orm.migrator.down({ to: 'Migration20261203080000_session_uuid' });
    expect(await sql.execute(tables)).toEqual([]);
    expect(await sql.execute(`select proname from pg_proc where proname like 'ledger_entry_%'`)).toEqual([]);
    await db.orm.migrator.up();
    expect(await sql.execute(tables)).toEqual([
      { table_name: 'ledger_account' },
      { table_name: 'ledger_entry' },
      { table_name: 'ledger_transaction' },
    ]);
    expect(
      await sql.execute(`select tgname from pg_trigger where tgrelid = 'ledger_entry'::regclass and not tgisinternal order by tgname`),
    ).toEqual([{ tgname: 'append_only' }, { tgname: 'no_truncate' }]);
  });

  it('take the plans away and bring them back', async () => {
    const db = await databaseAt();
    opened.push(db);
    const sql = db.orm.em.fork().getConnection();
    const tables = `select table_name from information_schema.tables where table_name like 'plan%' order by table_name`;
    await db.orm.migrator.down({ to: 'Migration20261203100000_ledger' });
    expect(await sql.execute(tables)).toEqual([]);
    await db.orm.migrator.up();
    expect(await sql.execute(tables)).toEqual([{ table_name: 'plan' }, { table_name: 'plan_subscription' }, { table_name: 'plan_usage' }]);
  });

  it('leave the database as the entities describe it', async () => {
    const db = await databaseAt();
    opened.push(db);
    expect(await db.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });
});
