import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from './redis-server.js';
import { startTcpProxy } from './tcp-proxy.js';

describe('the fault harness', () => {
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closing) await close();
  });

  it('restarts a private Redis empty after a kill -9, and with its data when AOF is on', async () => {
    const empty = await startPrivateRedis();
    const kept = await startPrivateRedis({ appendonly: 'always' });
    closing.push(empty.close, kept.close);
    for (const server of [empty, kept]) {
      const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      await client.set('k', 'v');
      client.disconnect();
      await server.kill();
      await server.start();
    }
    const read = async (url: string) => {
      const client = new Redis(url, { lazyConnect: true });
      await client.connect();
      const value = await client.get('k');
      client.disconnect();
      return value;
    };
    expect(await read(empty.url)).toBeNull();
    expect(await read(kept.url)).toBe('v');
  });

  it('cuts PostgreSQL off and brings it back', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    closing.push(proxy.close);
    const query = async () => {
      const client = new pg.Client({
        connectionString: proxy.via('postgres://postgres@127.0.0.1:5432/postgres'),
        connectionTimeoutMillis: 1000,
      });
      try {
        await client.connect();
        return (await client.query('select 1 as one')).rows[0].one;
      } finally {
        await client.end().catch(() => {});
      }
    };
    expect(await query()).toBe(1);
    proxy.cut();
    await expect(query()).rejects.toThrow();
    proxy.restore();
    expect(await query()).toBe(1);
  });
});
