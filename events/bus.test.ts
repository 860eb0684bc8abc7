import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../test/faults/redis-server.js';
import { createLogger } from '../platform/logger.js';
import { type Redis, connectRedis, createRedis } from '../platform/redis.js';
import { eventually, uniqueName } from '../test/system.js';
import { type EventBus, createEventBus } from './bus.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const at = new Date().toISOString();
const online = (identity: string, isOnline: boolean) => ({ stationId: identity, identity, online: isOnline, at });
const updated = (n: number) => ({
  stationId: 's',
  identity: 'CP',
  sessionId: `session-${n}`,
  transactionId: String(n),
  connectorId: 1,
  energyWh: n * 10,
  powerW: null,
  at,
});

describe('event bus', () => {
  const connections: Redis[] = [];
  let publisher: EventBus;
  let subscriber: EventBus;
  let prefix: string;
  const redis = async (name: string) => {
    const r = createRedis(url, name);
    await connectRedis(r, url);
    connections.push(r);
    return r;
  };

  beforeAll(async () => {
    prefix = uniqueName('bus');
    const log = createLogger('silent');
    publisher = createEventBus({ publisher: await redis('pub'), subscriber: await redis('pub-sub'), prefix, log });
    subscriber = createEventBus({ publisher: await redis('sub-pub'), subscriber: await redis('sub'), prefix, log });
  });
  afterAll(async () => {
    await publisher?.close();
    await subscriber?.close();
    for (const r of connections) r.disconnect();
  });

  it('delivers events published in one turn, across topics, in the order they were published', async () => {
    const seen: string[] = [];
    await subscriber.subscribe('station.online', (e) => seen.push(`online:${e.identity}:${e.online}`));
    await subscriber.subscribe('session.updated', (e) => seen.push(`updated:${e.transactionId}`));
    await Promise.all([
      publisher.publish('session.updated', updated(1)),
      publisher.publish('session.updated', updated(2)),
      publisher.publish('station.online', online('A', false)),
      publisher.publish('session.updated', updated(3)),
      publisher.publish('station.online', online('A', true)),
    ]);
    await eventually(() => seen.length === 5);
    expect(seen).toEqual(['updated:1', 'updated:2', 'online:A:false', 'updated:3', 'online:A:true']);
  });

  it('sends the events of one topic and one turn as one message', async () => {
    const watcher = await redis('watcher');
    const messages: string[] = [];
    watcher.on('message', (_channel: string, message: string) => messages.push(message));
    await watcher.subscribe(`${prefix}:events:session.updated`);
    await Promise.all([1, 2, 3].map((n) => publisher.publish('session.updated', updated(n))));
    await eventually(() => messages.length >= 1);
    expect(messages).toHaveLength(1);
    expect((JSON.parse(messages[0] as string) as Array<{ transactionId: string }>).map((e) => e.transactionId)).toEqual(['1', '2', '3']);
  });

  it('still reads a message holding one event, and ignores one that is not JSON', async () => {
    const seen: number[] = [];
    await subscriber.subscribe('session.updated', (e) => seen.push(Number(e.transactionId)));
    const raw = await redis('raw');
    await raw.publish(`${prefix}:events:session.updated`, 'not json');
    await raw.publish(`${prefix}:events:session.updated`, JSON.stringify(updated(42)));
    await eventually(() => seen.includes(42));
    expect(seen).toEqual([42]);
  });
});

describe('event bus while Redis is away', () => {
  it('drops and counts what is published while Redis is down, without holding the publisher, and delivers again once it is back', async () => {
    const server = await startPrivateRedis();
    const connections: Redis[] = [];
    const redis = async (name: string) => {
      const r = createRedis(server.url, name);
      await connectRedis(r, server.url);
      connections.push(r);
      return r;
    };
    const prefix = uniqueName('bus-outage');
    const log = createLogger('silent');
    const publisher = createEventBus({ publisher: await redis('pub'), subscriber: await redis('pub-sub'), prefix, log });
    const subscriber = createEventBus({ publisher: await redis('sub-pub'), subscriber: await redis('sub'), prefix, log });
    try {
      await server.kill();
      await eventually(() => connections[0]?.status !== 'ready');
      const started = performance.now();
      await Promise.all([publisher.publish('session.updated', updated(1)), publisher.publish('station.online', online('A', true))]);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(publisher.dropped).toBe(2);

      await server.start();
      const seen: number[] = [];
      await subscriber.subscribe('session.updated', (e) => seen.push(Number(e.transactionId)));
      await eventually(async () => {
        await publisher.publish('session.updated', updated(2));
        return seen.includes(2);
      }, 10_000);
      expect(seen).not.toContain(1);
    } finally {
      await publisher.close();
      await subscriber.close();
      for (const r of connections) r.disconnect();
      await server.close();
    }
  }, 30_000);
});
