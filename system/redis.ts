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
