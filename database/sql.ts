import pg from 'pg';

/**
 * A plain PostgreSQL pool for the hot paths (station admission, boots, presence, live session
 * figures): one statement, real parameter binding, no unit of work. Everything else uses MikroORM.
 */
export type Sql = pg.Pool;

export function createSql(databaseUrl: string, max = 10): Sql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {}); // an idle client's error; the next query reports what matters
  return pool;
}
