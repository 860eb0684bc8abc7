import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../test/system.js';
import { openWarehouse, type Warehouse } from './client.js';
import { migrateWarehouse, readWarehouseMigrations } from './migrate.js';

// The analysts' role of server mode (migrations/clickhouse/0007_analyst_role.sql) against the views docs/analytics.md documents.

const page = readFileSync(new URL('../docs/analytics.md', import.meta.url), 'utf8');
/** The rows of the table under "### The views", up to the next heading. */
const viewsSection = (page.split('### The views')[1] ?? '').split(/^#{2,3} /m)[0] ?? '';
const documented = [...viewsSection.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
const role = readWarehouseMigrations().find((m) => m.name === '0007_analyst_role');
const granted = (role?.statements ?? []).flatMap((s) => [...s.matchAll(/^GRANT (\w+) ON \{database\}\.(\w+) TO \{database\}_analyst$/gm)]);

describe('the analysts’ role', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ database: uniqueName('role'), dataDir: join(tmpdir(), `evcms-test-${process.pid}`) });
    await migrateWarehouse(warehouse);
  });
  afterAll(async () => {
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${warehouse.database}` });
    await warehouse.close();
  });

  it('is made on a server only, and skipped embedded without being recorded as applied', async () => {
    expect(
      readWarehouseMigrations()
        .filter((m) => m.serverOnly)
        .map((m) => m.name),
    ).toEqual(['0007_analyst_role']);
    const result = await warehouse.client.query({
      query: `SELECT name FROM ${warehouse.table('schema_migrations')}`,
      format: 'JSONEachRow',
    });
    const names = (await result.json<{ name: string }>()).map((r) => r.name);
    expect(names).toContain('0006_ocpp_messages');
    expect(names).not.toContain('0007_analyst_role');
  });

  it('may SELECT the documented views and nothing else, and each of them is a view', async () => {
    expect(documented.length).toBeGreaterThanOrEqual(7);
    expect(granted.map((m) => m[1])).toEqual(documented.map(() => 'SELECT'));
    expect(granted.map((m) => m[2]).sort()).toEqual([...documented].sort());
    const result = await warehouse.client.query({
      query: 'SELECT name, engine FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)} ORDER BY name',
      query_params: { db: warehouse.database, names: documented },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([...documented].sort().map((name) => ({ name, engine: 'View' })));
    // Each view runs as its definer, so the role needs no right on the tables under it.
    const definers = role?.statements.filter((s) => /MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER$/.test(s)) ?? [];
    expect(definers.map((s) => s.split('.')[1]?.split(' ')[0]).sort()).toEqual([...documented].sort());
  });
});
