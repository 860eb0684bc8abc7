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
 * when the connection closes, or when Redis has gone quiet: an answer REDIS_WAIT_MS late while the
 * connection has brought nothing at all for as long. A connection that is answering, only behind a deep
 * queue or a busy event loop, is not away: Redis answers in order, so what waits will come. One timer per
 * set, running only while something waits: nothing per command.
 */
export class Unanswered<T> {
  /** Sent since the last sweep: ioredis may not have written them yet (it flushes a pipeline from setImmediate). */
  private readonly fresh = new Set<T>();
  /** Seen by a sweep, with the time of that sweep: written by then, in the order they were sent. */
  private readonly since = new Map<T, number>();
  private sweeper: NodeJS.Timeout | undefined;
  /** When the connection last brought anything (performance.now()). */
  private heardAt = performance.now();
  private readonly heard = () => {
    this.heardAt = performance.now();
  };

  constructor(
    private readonly redis: Redis,
    private readonly lost: (item: T) => void,
    private readonly waitMs = REDIS_WAIT_MS,
  ) {
    redis.on('close', () => this.loseAll());
    // Each connection (ioredis makes a new socket when it reconnects) is listened to once.
    redis.on('connect', () => this.listen());
    this.listen();
  }

  add(item: T): void {
    this.fresh.add(item);
    if (!this.sweeper) {
      // Timers run before a turn reads its sockets and before ioredis writes its pipeline: on a busy loop, an
      // answer already received, or a command not yet written, would look late. The sweep waits for both
      // (setImmediate runs after the reads and after ioredis's own setImmediate), then judges.
      this.sweeper = setInterval(() => setImmediate(() => this.sweep()), Math.max(10, this.waitMs / 5));
      this.sweeper.unref();
    }
  }

  /** Whether `item` was still waiting (false once given up: its caller has gone on). */
  delete(item: T): boolean {
    return this.fresh.delete(item) || this.since.delete(item);
  }

  private listen(): void {
    const stream = (this.redis as unknown as { stream?: NodeJS.EventEmitter }).stream;
    if (!stream || stream.listeners('data').includes(this.heard)) return;
    stream.on('data', this.heard);
  }

  private sweep(): void {
    const now = performance.now();
    for (const item of this.fresh) this.since.set(item, now);
    this.fresh.clear();
    const cutoff = now - this.waitMs;
    // Nothing is lost while the connection brings answers: Redis answers in order, so what waits will come.
    if (this.heardAt <= cutoff) {
      for (const [item, at] of this.since) {
        if (at > cutoff) break;
        this.since.delete(item);
        this.lost(item);
      }
    }
    this.stopWhenIdle();
  }

  private loseAll(): void {
    const waiting = [...this.since.keys(), ...this.fresh];
    this.since.clear();
    this.fresh.clear();
    for (const item of waiting) this.lost(item);
    this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (this.since.size > 0 || this.fresh.size > 0) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
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
