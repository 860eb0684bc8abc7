import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type ApiServer, startApi } from '../api/server.js';
import { type Gateway, startGateway } from '../ocpp/gateway.js';
import { type Config, loadConfig, type Role } from '../system/config.js';
import { closeDeps, createDeps, type Deps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';
import { startWorkers, type Workers } from '../workers/index.js';
import { createTestDatabase, droppedAtRunEnd, runVariable, testDatabaseServer } from './database.js';

export interface TestSystem {
  config: Config;
  deps: Deps;
  gateway: Gateway | null;
  api: ApiServer | null;
  workers: Workers | null;
  /** ws://127.0.0.1:PORT/ocpp/ */
  ocppUrl: string;
  /** http://127.0.0.1:PORT */
  apiUrl: string;
  close(): Promise<void>;
}

/** A unique name for this test file's database, Redis prefix and warehouse database. */
export const uniqueName = (label = 't') => `${label}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** Settings for an isolated system: own database, own Redis prefix, own warehouse database, ports 0. */
export function testConfig(env: Record<string, string> = {}): Config {
  // Under the suite's global setup, names start with the run's, whose teardown drops what is left.
  const name = uniqueName(process.env[runVariable] ?? 'evcms_test');
  const dataDir = join(tmpdir(), `evcms-test-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  return loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    OCPP_PORT: '0',
    API_PORT: '0',
    DATABASE_URL: `${testDatabaseServer}/${name}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: name,
    CLICKHOUSE_DATABASE: name,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

/** Starts the roles asked for against real PostgreSQL, Redis and chDB; close() removes every trace. */
export async function startTestSystem(options: { roles?: Role[]; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const config = testConfig(options.env);
  const roles = options.roles ?? ['ocpp', 'api', 'workers'];
  const log = createLogger(config.LOG_LEVEL, { pretty: false });
  await createTestDatabase(config.DATABASE_URL);
  const deps = await createDeps(config, log);
  const workers = roles.includes('workers') ? await startWorkers(deps) : null;
  const gateway = roles.includes('ocpp') ? await startGateway(deps) : null;
  const api = roles.includes('api') ? await startApi({ ...deps, version: 'test' }) : null;
  return {
    config,
    deps,
    gateway,
    api,
    workers,
    ocppUrl: `ws://127.0.0.1:${gateway?.port ?? 0}/ocpp/`,
    apiUrl: `http://127.0.0.1:${api?.port ?? 0}`,
    async close() {
      deps.stopping = true;
      await api?.close();
      await gateway?.close();
      await workers?.close();
      if (roles.some((role) => role !== 'ocpp')) {
        await deps.warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${config.CLICKHOUSE_DATABASE}` }).catch(() => {});
      }
      await deleteKeys(deps, `${config.REDIS_PREFIX}:*`);
      await closeDeps(deps);
      // A run's databases are dropped together at its end: each drop waits for a checkpoint, and drops at the same time share one.
      if (!droppedAtRunEnd(config.DATABASE_URL)) await dropDatabase(config.DATABASE_URL);
    },
  };
}

async function deleteKeys(deps: Deps, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await deps.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await deps.redis.del(...keys);
  } while (cursor !== '0');
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
