import pg from 'pg';

/**
 * A plain PostgreSQL pool for the hot paths (station admission, boots, presence, live session
 * figures): one statement, real parameter binding, no unit of work. Everything else uses MikroORM.
 */
export type Sql = pg.Pool;

/**
 * Bounds for a PostgreSQL outage: a connection not made in 3 s fails (pg waits for ever by default, so a lost
 * network held every caller), and keepAlive finds dead idle connections. For both pools (MikroORM's too).
 */
export const connectBounds = { connectionTimeoutMillis: 3_000, keepAlive: true } as const;

/**
 * The hot-path pool also ends a statement after 30 s on a connection gone silent, instead of holding the
 * connection until TCP gives up. Not the ORM's: a migration may rightly run longer.
 */
const hotPathBounds = { ...connectBounds, query_timeout: 30_000 } as const;

export function createSql(databaseUrl: string, max = 10): Sql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000, ...hotPathBounds });
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

/**
 * Runs `run` one call at a time. A call made while another runs waits for it, so when a flush
 * resolves, everything noted before it was called has been written, whoever started the flush.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const next = last.then(run, run);
    last = next.catch(() => {});
    return next;
  };
}

/** Rows at most per write-behind statement, so one flush never holds the loop or a connection for long. */
export const WRITE_BEHIND_CHUNK = 2_000;

/**
 * Writes rows behind in statements of at most WRITE_BEHIND_CHUNK rows. `columns` gives a row's values,
 * one per column; `write` runs one statement with an array literal per column. The column arrays are
 * built in one pass over the rows, so nothing per row stays alive across a statement's round trip.
 */
export async function writeInChunks<T>(
  rows: Iterable<T>,
  columns: (row: T) => ReadonlyArray<string | number | null>,
  write: (arrays: string[]) => Promise<unknown>,
): Promise<number> {
  let values: Array<Array<string | number | null>> = [];
  let pending = 0;
  let written = 0;
  const flush = async () => {
    const arrays = values.map(arrayLiteral);
    values = [];
    written += pending;
    pending = 0;
    await write(arrays);
  };
  for (const row of rows) {
    columns(row).forEach((value, i) => {
      const column = values[i] ?? [];
      values[i] = column;
      column.push(value);
    });
    if (++pending === WRITE_BEHIND_CHUNK) await flush();
  }
  if (pending > 0) await flush();
  return written;
}

/**
 * Values noted in memory by key (the latest wins) and written behind: `flush` takes what was noted since
 * the last flush and writes it in chunks (writeInChunks), one flush at a time (oneAtATime).
 */
export class WriteBehind<K, V> {
  private pending = new Map<K, V>();

  constructor(
    private readonly columns: (key: K, value: V) => ReadonlyArray<string | number | null>,
    private readonly write: (arrays: string[]) => Promise<unknown>,
  ) {}

  get(key: K): V | undefined {
    return this.pending.get(key);
  }

  set(key: K, value: V): void {
    this.pending.set(key, value);
  }

  delete(key: K): void {
    this.pending.delete(key);
  }

  /** Writes what was noted before the call, after any flush still running; resolves to the rows written. */
  readonly flush = oneAtATime(async () => {
    const rows = this.pending;
    if (rows.size === 0) return 0;
    this.pending = new Map();
    return writeInChunks(rows, ([key, value]) => this.columns(key, value), this.write);
  });
}
