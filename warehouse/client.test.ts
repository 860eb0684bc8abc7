import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../test/system.js';
import { openWarehouse, type Warehouse } from './client.js';
import { migrateWarehouse, splitStatements } from './migrate.js';

describe('the warehouse', () => {
  let warehouse: Warehouse;
  const dataDir = join(tmpdir(), `evcms-test-${process.pid}`);
  beforeAll(async () => {
    warehouse = await openWarehouse({ database: uniqueName('wh'), dataDir });
  });
  afterAll(async () => {
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${warehouse.database}` });
    await warehouse.close();
  });

  it('runs the embedded chDB engine when no CLICKHOUSE_URL is given, with current ClickHouse SQL', async () => {
    expect(warehouse.kind).toBe('chdb');
    const result = await warehouse.client.query({
      query: 'SELECT toDateTime64({at:String}, 3, {tz:String}) AS at',
      query_params: { at: '2026-11-26 10:00:00.250', tz: 'UTC' },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ at: '2026-11-26 10:00:00.250' }]);
  });

  it('applies each migration once and records it', async () => {
    const first = await migrateWarehouse(warehouse);
    const second = await migrateWarehouse(warehouse);
    expect(first).toContain('0001_meter_values');
    expect(second).toEqual([]);
  });

  it('names a failing migration and leaves it pending', async () => {
    const broken = [
      {
        version: 9999,
        name: '9999_broken',
        statements: ['CREATE TABLE {database}.broken (x NoSuchType) ENGINE = Memory'],
        serverOnly: false,
      },
    ];
    await expect(migrateWarehouse(warehouse, broken)).rejects.toThrow(/^ClickHouse migration 9999_broken failed: /);
    const recorded = await warehouse.client.query({
      query: `SELECT count() AS n FROM ${warehouse.table('schema_migrations')} WHERE version = 9999`,
      format: 'JSONEachRow',
    });
    expect(Number((await recorded.json<{ n: string | number }>())[0]?.n)).toBe(0);
  });

  it('inserts JSONEachRow text as it is, with its settings, and refuses a bad row with the reason', async () => {
    await warehouse.client.command({
      query: `CREATE TABLE ${warehouse.table('lines')} (k String, n Int32) ENGINE = MergeTree ORDER BY k`,
    });
    const settings = { input_format_allow_errors_num: '0', insert_deduplication_token: 'lines-1' };
    await warehouse.insertText('lines', 'JSONEachRow', '{"k":"a","n":1}\n{"k":"b","n":2}\n', settings);
    const rows = await warehouse.client.query({ query: `SELECT k, n FROM ${warehouse.table('lines')} ORDER BY k`, format: 'JSONEachRow' });
    expect(await rows.json()).toEqual([
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
    ]);
    await expect(warehouse.insertText('lines', 'JSONEachRow', '{"k":"c","n":"not a number"}\n', settings)).rejects.toThrow(
      /Cannot parse|CANNOT_PARSE|parse input/i,
    );
    const count = await warehouse.client.query({ query: `SELECT count() AS c FROM ${warehouse.table('lines')}`, format: 'JSONEachRow' });
    expect(Number((await count.json<{ c: string }>())[0]?.c)).toBe(2);
  });

  it('splits a migration file into statements, comments left out', () => {
    expect(
      splitStatements('-- a comment\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\nCREATE TABLE b (y UInt8) ENGINE = Memory;\n'),
    ).toEqual(['CREATE TABLE a (x UInt8) ENGINE = Memory', 'CREATE TABLE b (y UInt8) ENGINE = Memory']);
  });

  it('refuses a second data directory in the same process, naming both', async () => {
    const other = mkdtempSync(join(tmpdir(), 'evcms-other-'));
    await expect(openWarehouse({ database: 'x', dataDir: other })).rejects.toThrow(
      /^the embedded warehouse at .+ could not be opened: chdb: only one active data directory per process/,
    );
  });
});
