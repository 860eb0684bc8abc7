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

/**
 * A PostgreSQL array literal built with one join, for the write-behind statements that pass thousands of
 * values: pg's own encoding handles each element in turn and blocks the event loop for tens of ms at
 * 10,000 rows. Only for values that need no quoting: uuids, and finite numbers or null.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
}

/** Rows at most per write-behind statement, so one flush never holds the loop or a connection for long. */
export const WRITE_BEHIND_CHUNK = 2_000;
