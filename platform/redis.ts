import { Redis } from 'ioredis';

export { Redis };

/**
 * A Redis connection fit for BullMQ and for the app (no per-request retry limit). Commands issued in one tick
 * are pipelined, except XADD: the telemetry buffer batches its own entries (see telemetry/buffer.ts), and
 * ioredis sends a pipeline from setImmediate, which on a busy loop runs only once libuv has handled every
 * socket that was ready (at 10,000 stations, seconds), while the OCPP answers wait for their XADD.
 */
export function createRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: ['xadd'],
    connectionName: name,
    lazyConnect: true,
  });
  // ioredis reconnects by itself; a failure that matters surfaces on the command that needed Redis.
  redis.on('error', () => {});
  return redis;
}

export async function connectRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is not reachable at ${url}: ${(error as Error).message}`);
  }
}

/**
 * How long the OCPP path waits for a command Redis has not answered (sent before the connection dropped,
 * or on one that went quiet) before it goes on without it: below the RPC answer deadline (5 s by default).
 */
export const REDIS_WAIT_MS = 2500;

/**
 * Whether `redis` takes commands now. While it reconnects, ioredis holds every command until Redis is back
 * (no retry limit, as BullMQ needs), so the OCPP path checks this first and goes on without Redis instead.
 */
export const isReady = (redis: Redis): boolean => redis.status === 'ready';

/** Redis work skipped or given up because Redis is away; a CALL that needs it is answered unavailable('Redis'). */
export class RedisUnavailableError extends Error {
  readonly service = 'Redis';
  constructor(what: string) {
    super(`${what}: Redis is unavailable`);
  }
}

/**
 * What one module sent on a connection and still waits for. ioredis keeps the commands of a dropped
 * connection to resend once Redis is back, their promises pending until then: `lost` lets their callers go
 * when the connection closes, or when an answer is REDIS_WAIT_MS late (a connection gone quiet without
 * closing). One timer per set, running only while something waits: nothing per command.
 */
export class Unanswered<T> {
  private readonly since = new Map<T, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    redis: Redis,
    private readonly lost: (item: T) => void,
    private readonly waitMs = REDIS_WAIT_MS,
  ) {
    redis.on('close', () => this.loseOlderThan(Number.POSITIVE_INFINITY));
  }

  add(item: T): void {
    this.since.set(item, performance.now());
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.loseOlderThan(performance.now() - this.waitMs), Math.max(10, this.waitMs / 5));
      this.sweeper.unref();
    }
  }

  /** Whether `item` was still waiting (false once given up: its caller has gone on). */
  delete(item: T): boolean {
    return this.since.delete(item);
  }

  /** Gives up on what was sent before `before` (performance.now()); the map is in the order things were sent. */
  private loseOlderThan(before: number): void {
    for (const [item, at] of this.since) {
      if (at > before) break;
      this.since.delete(item);
      this.lost(item);
    }
    if (this.since.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/** `promise`'s value, or `fallback` when it fails or takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/** Lua: deletes KEYS[1] only while it still holds ARGV[1] (a lock or claim released by its owner alone). */
export const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
