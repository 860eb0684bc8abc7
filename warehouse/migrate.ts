import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from './client.js';

const folder = fileURLToPath(new URL('../migrations/clickhouse/', import.meta.url));

export interface WarehouseMigration {
  version: number;
  name: string;
  statements: string[];
  /** Marked `-- server only` on its first line: applied to a ClickHouse server, skipped embedded (chDB has no access control). */
  serverOnly: boolean;
}

/** Reads `migrations/clickhouse/NNNN_name.sql`, in order; `{database}` stands for the target database. */
export function readWarehouseMigrations(dir = folder): WarehouseMigration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        statements: splitStatements(text),
        serverOnly: text.startsWith('-- server only'),
      };
    });
}

export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Applies each migration not yet recorded. Statements are written to be re-runnable (IF NOT EXISTS),
 * and a migration is recorded only after all its statements succeeded, so a failure leaves it pending.
 */
export async function migrateWarehouse(warehouse: Warehouse, migrations = readWarehouseMigrations()): Promise<string[]> {
  const { client } = warehouse;
  const history = warehouse.table('schema_migrations');
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${history} (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY version`,
  });
  const done = await client.query({ query: `SELECT version FROM ${history}`, format: 'JSONEachRow' });
  const applied = new Set((await done.json<{ version: number }>()).map((row) => Number(row.version)));
  const ran: string[] = [];
  for (const migration of migrations) {
    // Not recorded when skipped: nothing to apply embedded, ever (a server is another warehouse).
    if (applied.has(migration.version) || (migration.serverOnly && warehouse.kind === 'chdb')) continue;
    for (const statement of migration.statements) {
      try {
        await client.command({ query: statement.replaceAll('{database}', warehouse.database) });
      } catch (error) {
        throw new Error(`ClickHouse migration ${migration.name} failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    await client.insert({ table: history, values: [{ version: migration.version, name: migration.name }], format: 'JSONEachRow' });
    ran.push(migration.name);
  }
  return ran;
}
