// What bench/api.ts sets up and removes: its own PostgreSQL database, Redis prefix, warehouse
// database and data directories; and the rows it measures (an operator organisation with many stations).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { MachineSecrets } from '../auth/machine-secrets.js';
import { dropDatabase } from '../test/system.js';

const database = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evcms');
database.pathname = '/evcms_bench_api';

export const benchState = {
  databaseUrl: database.toString(),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  redisPrefix: 'evcms-bench-api',
  warehouseDatabase: 'evcms_bench_api',
  /** One data directory per evcms process under it (chDB serves one directory per process). */
  dataRoot: join(tmpdir(), 'evcms-bench-api'),
};

/** The environment of an evcms process a bench starts: these roles, ports 0, the bench's stores. */
export function benchEvcmsEnv(roles: string, dataDir: string, secretKey: string, logLevel = 'warn'): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // The machine's Redis keeps nothing on disk; the figures are of evcms, not of Redis's fsync (see bench:faults).
    REDIS_DURABILITY: 'off',
    HOST: '127.0.0.1',
    OCPP_PORT: '0',
    API_PORT: '0',
    ROLES: roles,
    DATABASE_URL: benchState.databaseUrl,
    REDIS_URL: benchState.redisUrl,
    REDIS_PREFIX: benchState.redisPrefix,
    CLICKHOUSE_DATABASE: benchState.warehouseDatabase,
    DATA_DIR: dataDir,
    SECRET_KEY: secretKey,
    LOG_LEVEL: logLevel,
    DEMO: '0',
  };
}

/** Drops the bench database, its Redis keys and its data directories. */
export async function resetBenchApiState(): Promise<void> {
  await dropDatabase(benchState.databaseUrl);
  const redis = new Redis(benchState.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${benchState.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0' && ++rounds < 100_000);
  } finally {
    redis.disconnect();
  }
  rmSync(benchState.dataRoot, { recursive: true, force: true });
}

export interface Seeded {
  organisationId: string;
  userId: string;
  /** The station the OCPP client connects as, its password, and an RFID tag to start a session with. */
  identity: string;
  password: string;
  idTag: string;
}

/**
 * One operator organisation with a site, an operator, `stations` stations (profile 1, a password
 * each, two connectors each), inserted in bulk as an import would; and an RFID tag.
 */
export async function seedOrganisation(databaseUrl: string, secrets: MachineSecrets, stations: number): Promise<Seeded> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const organisationId = randomUUID();
    const siteId = randomUUID();
    const userId = randomUUID();
    await client.query(`insert into organisation (id, name, slug, created_at) values ($1, 'Bench Charge', 'bench-charge', now())`, [
      organisationId,
    ]);
    await client.query(
      `insert into site (id, organisation_id, name, city, country, created_at) values ($1, $2, 'Bench site', 'Kigali', 'RW', now())`,
      [siteId, organisationId],
    );
    await client.query(
      `insert into app_user (id, email, password_hash, role, organisation_id, email_verified_at, created_at, updated_at)
       values ($1, 'operator@bench.test', 'not-a-real-hash', 'OPERATOR', $2, now(), now(), now())`,
      [userId, organisationId],
    );
    const identityOf = (i: number) => `BENCH-API-${String(i + 1).padStart(5, '0')}`;
    const passwordOf = (identity: string) => `bench-password-${identity}`;
    for (let from = 0; from < stations; from += 1000) {
      const params: unknown[] = [organisationId, siteId];
      const rows: string[] = [];
      for (let i = from; i < Math.min(stations, from + 1000); i++) {
        const identity = identityOf(i);
        const { salt, hash } = secrets.hash(passwordOf(identity));
        params.push(randomUUID(), identity, `Bench station ${i + 1}`, salt, hash, i % 3 !== 0);
        const n = params.length;
        rows.push(`($${n - 5}, $${n - 4}, $${n - 3}, $1, $2, 1, $${n - 2}, $${n - 1}, 'Accepted', $${n}, now(), now())`);
      }
      await client.query(
        `insert into station (id, identity, name, organisation_id, site_id, security_profile, password_salt, password_hash,
           registration_status, online, created_at, updated_at) values ${rows.join(',')}`,
        params,
      );
    }
    await client.query(
      `insert into connector (id, station_id, evse_id, connector_id, status, ocpp_status, error_code, status_since, updated_at)
       select gen_random_uuid(), s.id, n, n, case when n = 1 then 'Available' else 'Occupied' end,
         case when n = 1 then 'Available' else 'Charging' end, 'NoError', now(), now()
       from station s cross join generate_series(1, 2) n where s.organisation_id = $1`,
      [organisationId],
    );
    const idTag = 'BENCHAPI0001';
    await client.query(
      `insert into id_token (id, value, type, status, organisation_id, max_concurrent, created_at, updated_at)
       values ($1, $2, 'RFID', 'Accepted', $3, 0, now(), now())`,
      [randomUUID(), idTag, organisationId],
    );
    // What autovacuum would have done by the time anyone pages: statistics and the visibility map.
    await client.query('vacuum analyze station');
    await client.query('vacuum analyze connector');
    const identity = identityOf(0);
    return { organisationId, userId, identity, password: passwordOf(identity), idTag };
  } finally {
    await client.end();
  }
}
