import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';

/** The analytics warehouse: ClickHouse over HTTP, or chDB in this process, behind one client API. */
export interface Warehouse {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly kind: 'chdb' | 'http';
  /** Fully qualified table name in this warehouse's database. */
  table(name: string): string;
  /**
   * Inserts rows already encoded as `format` text into a table of this database, with insert settings.
   * Embedded, the bytes go to the engine as they are (chDB's raw insert): through the client's SQL
   * path the text would become part of the statement, which cost 25 to 50 µs of CPU per 700-byte
   * row in the parser against 8 to 11 µs (measured with 5,000 meter frames per insert).
   */
  insertText(table: string, format: 'JSONEachRow', text: string, settings: Record<string, string | number>): Promise<void>;
  /**
   * A client that can only read (`readonly=1`), under these limits (max_execution_time, max_memory_usage, ...),
   * for questions and analysts' SQL. Embedded, it is a chDB connection of its own: chDB applies a query's
   * settings to its connection for good, so a read-only setting would bind every later write on a shared one.
   */
  reader(limits: Record<string, string | number>): Promise<ClickHouseClient>;
  /**
   * Closes the reader of these limits after a failed query; the next reader() opens another. chDB 3.4 leaves
   * the partial output of a query that failed midway on its connection, to be prepended to the next answer.
   */
  discardReader(limits: Record<string, string | number>): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

type ChdbRawInsert = (params: {
  table: string;
  format: 'JSONEachRow';
  values: Buffer;
  settings: Record<string, string | number>;
}) => Promise<void>;

export interface WarehouseOptions {
  /** A ClickHouse server; unset means the embedded chDB engine under dataDir. */
  url?: string | undefined;
  database: string;
  dataDir: string;
}

export async function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const { database } = options;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`invalid ClickHouse database name "${database}"`);
  // Loaded here, not at the top: a process that never opens the warehouse (a gateway alone) does not map
  // chDB's engine (about 160 MB of RSS once loaded) nor build the client.
  const { createClient } = await import('@clickhouse/client');
  let client: ClickHouseClient;
  let kind: Warehouse['kind'];
  let rawInsert: ChdbRawInsert | null = null;
  let readerOf: (settings: Record<string, string | number>) => Promise<ClickHouseClient>;
  if (options.url) {
    const url = options.url;
    readerOf = async (settings) => createClient({ url, database, request_timeout: 30_000, clickhouse_settings: settings });
    kind = 'http';
    client = createClient({ url: options.url, request_timeout: 30_000 });
  } else {
    kind = 'chdb';
    const path = resolve(options.dataDir, 'warehouse');
    mkdirSync(path, { recursive: true });
    try {
      const { createChdbConnection } = await import('chdb/connection');
      const connection = createChdbConnection({ path });
      rawInsert = (params) => connection.chdb.rawInsert(params).then(() => undefined);
      // chdb is built against its own copy of @clickhouse/client-common: same contract, distinct types.
      const clientOf = (c: typeof connection) =>
        createClient({ connection: c as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
      client = clientOf(connection);
      // A second connection to the same directory (chDB allows it); its settings, readonly last, are set once.
      readerOf = async (settings) => {
        const reader = clientOf(createChdbConnection({ path }));
        // Unqualified names are this database's (USE is allowed read-only).
        await reader.command({ query: `USE ${database}`, clickhouse_settings: settings });
        return reader;
      };
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(
        /lock|already running|Failed to create connection/i.test(message)
          ? `the embedded warehouse at ${path} cannot be opened: chDB serves one data directory per process and one process per directory (is another evcms running on this DATA_DIR?); stop it, set another DATA_DIR, or set CLICKHOUSE_URL`
          : `the embedded warehouse at ${path} could not be opened: ${message}`,
      );
    }
  }
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  } catch (error) {
    await client.close().catch(() => {});
    const where = options.url ? `ClickHouse at ${options.url}` : `chDB under ${resolve(options.dataDir, 'warehouse')}`;
    throw new Error(`warehouse not reachable (${where}): ${(error as Error).message}`);
  }
  const readers = new Map<string, Promise<ClickHouseClient>>();
  return {
    client,
    database,
    kind,
    reader(limits) {
      const key = JSON.stringify(limits);
      let reader = readers.get(key);
      if (!reader) {
        reader = readerOf({ ...limits, readonly: 1 });
        readers.set(key, reader);
        reader.catch(() => readers.delete(key));
      }
      return reader;
    },
    async discardReader(limits) {
      const key = JSON.stringify(limits);
      const reader = readers.get(key);
      readers.delete(key);
      await (await reader?.catch(() => null))?.close().catch(() => {});
    },
    table: (name) => `${database}.${name}`,
    async insertText(table, format, text, settings) {
      if (rawInsert) {
        await rawInsert({ table: `${database}.${table}`, format, values: Buffer.from(text), settings });
        return;
      }
      const result = await client.exec({
        query: `INSERT INTO ${database}.${table} FORMAT ${format}`,
        values: Readable.from([text]),
        clickhouse_settings: settings,
      });
      result.stream.destroy();
    },
    async ping() {
      try {
        const result = await client.query({ query: 'SELECT 1', format: 'JSONEachRow' });
        await result.json();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      for (const reader of readers.values()) await (await reader.catch(() => null))?.close();
      await client.close();
    },
  };
}

/**
 * For a process whose roles never touch the warehouse (a gateway alone: its samples go to Redis), so it
 * neither opens chDB (hundreds of MB, and the one directory a process may hold) nor needs a server.
 */
export function unusedWarehouse(database: string): Warehouse {
  const refuse = () => {
    throw new Error('this process runs no role that uses the warehouse');
  };
  return {
    get client(): ClickHouseClient {
      return refuse();
    },
    database,
    kind: 'http',
    table: (name) => `${database}.${name}`,
    insertText: async () => refuse(),
    reader: async () => refuse(),
    discardReader: async () => {},
    ping: async () => true,
    close: async () => {},
  };
}
