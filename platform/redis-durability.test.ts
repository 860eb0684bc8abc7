import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../test/faults/redis-server.js';
import { dropDatabase, testConfig } from '../test/system.js';
import { loadConfig } from '../system/config.js';
import { createDeps } from '../system/deps.js';
import { createLogger } from './logger.js';
import { checkRedisDurability, redisPersistence } from './redis-durability.js';

const log = createLogger('silent', { pretty: false });
const production = (url: string, env: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('hex'), REDIS_URL: url, ...env });

describe('the Redis durability check at start', () => {
  let volatile: PrivateRedis;
  let durable: PrivateRedis;
  const clients: Redis[] = [];
  const connect = async (url: string, options: { username?: string; password?: string } = {}) => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, ...options });
    clients.push(client);
    await client.connect();
    return client;
  };
  beforeAll(async () => {
    [volatile, durable] = await Promise.all([startPrivateRedis(), startPrivateRedis({ appendonly: 'everysec' })]);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await volatile?.close();
    await durable?.close();
  });

  it('refuses a production start on a Redis without an append-only file, naming the variable and the settings', async () => {
    const redis = await connect(volatile.url);
    const start = checkRedisDurability(redis, production(volatile.url), log);
    await expect(start).rejects.toThrow(
      /^REDIS_DURABILITY=require: .*appendonly no.*`appendonly yes` and `appendfsync everysec` \(or `always`\)/,
    );
  });

  it('stops a production process at start, before any role runs, on such a Redis', async () => {
    const config = testConfig({ NODE_ENV: 'production', REDIS_URL: volatile.url });
    try {
      await expect(createDeps(config, log)).rejects.toThrow(/^REDIS_DURABILITY=require: /);
    } finally {
      await dropDatabase(config.DATABASE_URL);
    }
  });

  it('accepts a production start on a Redis with AOF synced every second', async () => {
    const redis = await connect(durable.url);
    await expect(checkRedisDurability(redis, production(durable.url), log)).resolves.toBeUndefined();
  });

  it('refuses an AOF left to the OS to sync, and starts anyway when told to warn or not to check', async () => {
    const redis = await connect(durable.url);
    await redis.config('SET', 'appendfsync', 'no');
    try {
      await expect(checkRedisDurability(redis, production(durable.url), log)).rejects.toThrow(/appendfsync no/);
    } finally {
      await redis.config('SET', 'appendfsync', 'everysec');
    }
    const onVolatile = await connect(volatile.url);
    for (const mode of ['warn', 'off']) {
      const config = production(volatile.url, { REDIS_DURABILITY: mode });
      await expect(checkRedisDurability(onVolatile, config, log)).resolves.toBeUndefined();
    }
  });

  it('reads the persistence from INFO where CONFIG is not permitted, as on managed Redis', async () => {
    for (const server of [volatile, durable]) {
      const admin = await connect(server.url);
      await admin.call('ACL', 'SETUSER', 'app', 'on', '>app-password', '~*', '&*', '+@all', '-config');
      const app = await connect(server.url, { username: 'app', password: 'app-password' });
      await expect(app.config('GET', 'appendonly')).rejects.toThrow(/NOPERM/);
    }
    const onVolatile = await connect(volatile.url, { username: 'app', password: 'app-password' });
    const onDurable = await connect(durable.url, { username: 'app', password: 'app-password' });
    expect(await redisPersistence(onVolatile)).toEqual({ appendonly: false, appendfsync: null });
    expect(await redisPersistence(onDurable)).toEqual({ appendonly: true, appendfsync: null });
    await expect(checkRedisDurability(onVolatile, production(volatile.url), log)).rejects.toThrow(/^REDIS_DURABILITY=require/);
    await expect(checkRedisDurability(onDurable, production(durable.url), log)).resolves.toBeUndefined();
  });
});
