import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrations } from '../migrations/postgres/index.js';
import { entities } from '../schema/entities/index.js';
import { connectBounds } from './sql.js';

export type Orm = MikroORM;

export function ormConfig(databaseUrl: string) {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, tableName: 'mikro_orm_migrations', snapshot: false, silent: true },
    pool: { min: 0, max: 10 },
    driverOptions: connectBounds,
    debug: false,
    allowGlobalContext: false,
  });
}

/** Creates the database named in the URL when the server does not have it yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redact(databaseUrl)}`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${redact(databaseUrl)}: ${(error as Error).message}`);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/** Opens the ORM and applies pending migrations, all or nothing. */
export async function openDatabase(databaseUrl: string, options: { migrate: boolean }): Promise<Orm> {
  await ensureDatabase(databaseUrl);
  const orm: Orm = await MikroORM.init(ormConfig(databaseUrl));
  if (options.migrate) {
    try {
      await orm.migrator.up();
    } catch (error) {
      await orm.close();
      throw new Error(`PostgreSQL migration failed (nothing applied from the failing batch): ${(error as Error).message}`);
    }
  }
  return orm;
}

/** A URL fit for logs: the password is replaced. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
