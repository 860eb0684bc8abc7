import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../test/faults/redis-server.js';
import { type Redis, RedisUnavailableError, connectRedis, createRedis } from '../platform/redis.js';
import { TelemetryBuffer } from './buffer.js';

const aBatch = (value: number) => ({
  station: 'CP-1',
  connectorId: 1,
  sessionId: null,
  transactionId: null,
  receivedAt: new Date(),
  source: 'MeterValues',
  samples: [
    {
      ts: new Date(),
      measurand: 'Energy.Active.Import.Register',
      phase: '',
      location: 'Outlet',
      context: 'Sample.Periodic',
      unit: 'Wh',
      value,
    },
  ],
});

/** How a push ended and after how long. */
async function outcome(push: Promise<void>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await push.then(
    () => null,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('TelemetryBuffer while Redis is away', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let buffer: TelemetryBuffer;
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(() => server?.close());
  afterEach(async () => {
    redis?.disconnect();
    await server.start().catch(() => {});
  });
  const connect = async () => {
    redis = createRedis(server.url, 'buffer-test');
    await connectRedis(redis, server.url);
    buffer = new TelemetryBuffer(redis, 'buffer-test');
  };
  /** Holds every write on the server (as a server gone quiet would), from another connection. */
  const pauseWrites = async () => {
    const admin = createRedis(server.url, 'buffer-test-admin');
    await connectRedis(admin, server.url);
    await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE');
    admin.disconnect();
  };

  it('keeps samples in Redis while it is there', async () => {
    await connect();
    await buffer.push(aBatch(1));
    expect(await redis.xlen(buffer.stream)).toBe(1);
  });

  it('fails a push at once while Redis is down, rather than wait for it to come back', async () => {
    await connect();
    await server.kill();
    const { error, ms } = await outcome(buffer.push(aBatch(2)));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(ms).toBeLessThan(1000);
  });

  it('fails a push whose entry was on its way when the connection dropped', async () => {
    await connect();
    await pauseWrites();
    const push = outcome(buffer.push(aBatch(3)));
    await new Promise((r) => setTimeout(r, 100));
    await server.kill();
    const { error, ms } = await push;
    expect(error).toBeInstanceOf(RedisUnavailableError);
    // At the close, not at the REDIS_WAIT_MS sweep.
    expect(ms).toBeLessThan(2000);
  });

  it('fails a push Redis leaves unanswered, after a few seconds', async () => {
    await connect();
    await pauseWrites();
    const { error, ms } = await outcome(buffer.push(aBatch(4)));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(ms).toBeLessThan(5000);
    await server.kill();
  });
});
