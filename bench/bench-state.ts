// What bench/ocpp.ts sets up and removes around the evcms server: its own PostgreSQL database, Redis
// prefix and warehouse directory, and the stations it connects as (profile 1, each with a password).
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createMachineSecrets } from '../auth/machine-secrets.js';
import { dropDatabase } from '../test/system.js';

export interface BenchState {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  secretKey: string;
}

/**
 * A bench's own state, all named `name` (evcms_bench, say): the database beside DATABASE_URL's, the Redis prefix
 * (dashes for underscores), the folder in the temporary directory, and a fresh SECRET_KEY.
 */
export function benchState(name: string): BenchState {
  const database = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evcms');
  database.pathname = `/${name}`;
  const dashed = name.replaceAll('_', '-');
  return {
    databaseUrl: database.toString(),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: dashed,
    dataDir: join(tmpdir(), dashed),
    secretKey: randomBytes(32).toString('hex'),
  };
}

/** Drops the bench database, its Redis keys and its warehouse directory. */
export async function resetBenchState(state: BenchState): Promise<void> {
  await dropDatabase(state.databaseUrl);
  const redis = new Redis(state.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${state.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0' && ++rounds < 100_000);
  } finally {
    redis.disconnect();
  }
  rmSync(state.dataDir, { recursive: true, force: true });
}

/** Entries of the telemetry stream not yet moved to the warehouse (the sink deletes what it wrote). */
export async function telemetryBacklog(state: BenchState): Promise<number> {
  const redis = new Redis(state.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    return await redis.xlen(`${state.redisPrefix}:telemetry`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Inserts the stations in bulk, as an operator's import would: security profile 1, password
 * `${passwordPrefix}${identity}` salted and hashed with the server's SECRET_KEY; and one RFID tag
 * without a limit on concurrent sessions, for StartTransaction.
 */
export async function seedStations(state: BenchState, identities: string[], passwordPrefix: string, idTag: string): Promise<void> {
  const secrets = createMachineSecrets(state.secretKey);
  const client = new pg.Client({ connectionString: state.databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < identities.length; i += 1000) {
      const chunk = identities.slice(i, i + 1000);
      const params: unknown[] = [];
      const rows = chunk.map((identity) => {
        const { salt, hash } = secrets.hash(`${passwordPrefix}${identity}`);
        params.push(randomUUID(), identity, salt, hash);
        const n = params.length;
        return `($${n - 3}, $${n - 2}, 1, $${n - 1}, $${n}, 'Accepted', now(), now())`;
      });
      await client.query(
        `insert into station (id, identity, security_profile, password_salt, password_hash, registration_status, created_at, updated_at)
         values ${rows.join(',')}`,
        params,
      );
    }
    await client.query(
      `insert into id_token (id, value, type, status, max_concurrent, created_at, updated_at)
       values ($1, $2, 'RFID', 'Accepted', 0, now(), now()) on conflict (value) do nothing`,
      [randomUUID(), idTag],
    );
  } finally {
    await client.end();
  }
}
