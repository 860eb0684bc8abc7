import { Redis } from 'ioredis';

export { Redis };

/** A Redis connection fit for BullMQ and for the app (no per-request retry limit). */
export function createRedis(url: string, name: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true, connectionName: name, lazyConnect: true });
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
