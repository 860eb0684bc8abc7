import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/** What Redis keeps across a restart: its append-only file, and how often it syncs it to disk. */
export interface RedisPersistence {
  appendonly: boolean;
  /** `always`, `everysec` or `no`; null where CONFIG is disabled (managed Redis) and INFO does not say. */
  appendfsync: string | null;
}

/**
 * Reads the server's persistence settings: CONFIG GET, or, where CONFIG is disabled or not permitted (as
 * on managed Redis), INFO persistence, which tells whether AOF is on but not its fsync policy.
 */
export async function redisPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    const appendonly = (await redis.config('GET', 'appendonly')) as string[];
    const appendfsync = (await redis.config('GET', 'appendfsync')) as string[];
    if (appendonly.length === 2) return { appendonly: appendonly[1] === 'yes', appendfsync: appendfsync[1] ?? null };
  } catch {
    // CONFIG renamed away or refused: INFO below.
  }
  const info = await redis.info('persistence');
  return { appendonly: /^aof_enabled:1\s*$/m.test(info), appendfsync: null };
}

/** Why this persistence may lose samples a MeterValues answer promised were kept; null when it will not. */
export function durabilityGap(persistence: RedisPersistence): string | null {
  if (!persistence.appendonly) return 'it keeps no append-only file (appendonly no)';
  if (persistence.appendfsync === 'no') return 'it leaves syncing its append-only file to the OS (appendfsync no)';
  return null;
}

/**
 * The telemetry buffer is a Redis stream, and a MeterValues answer promises its samples are kept: a Redis
 * that restarts without its data loses every sample answered but not yet in the warehouse. At start, with
 * REDIS_DURABILITY=require (production's default) evcms refuses such a Redis; with `warn` it says so.
 */
export async function checkRedisDurability(
  redis: Redis,
  config: { REDIS_DURABILITY: 'require' | 'warn' | 'off'; REDIS_URL: string },
  log: Logger,
): Promise<void> {
  if (config.REDIS_DURABILITY === 'off') return;
  const gap = durabilityGap(await redisPersistence(redis));
  if (!gap) return;
  const host = new URL(config.REDIS_URL).host;
  const advice = 'set `appendonly yes` and `appendfsync everysec` (or `always`) in Redis';
  if (config.REDIS_DURABILITY === 'require') {
    throw new Error(
      `REDIS_DURABILITY=require: Redis at ${host} would lose answered samples on a restart, as ${gap}; ${advice}, or set REDIS_DURABILITY=warn to start anyway`,
    );
  }
  log.warn(`Redis at ${host} would lose answered samples on a restart, as ${gap}; ${advice} (REDIS_DURABILITY=require refuses to start)`);
}
