import { afterEach, describe, expect, it } from 'vitest';
import { type Redis, Unanswered, connectRedis, createRedis } from './redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Keeps the event loop busy for `ms`, as 10,000 stations' frames do. */
const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
};

/** Keeps Redis busy for ARGV[1] ms, then answers. */
const SPIN = `local t = redis.call('TIME') local s = t[1] * 1000 + t[2] / 1000
while true do t = redis.call('TIME') if t[1] * 1000 + t[2] / 1000 - s >= tonumber(ARGV[1]) then return 1 end end`;

describe('Unanswered', () => {
  let redis: Redis;
  let admin: Redis | undefined;
  afterEach(async () => {
    redis?.disconnect();
    if (admin) await admin.call('CLIENT', 'UNPAUSE');
    admin?.disconnect();
    admin = undefined;
  });
  const connect = async () => {
    redis = createRedis(url, 'unanswered-test');
    await connectRedis(redis, url);
  };

  it('does not give up on an answer that came while the loop was busy', async () => {
    await connect();
    const lost: string[] = [];
    const unanswered = new Unanswered<string>(redis, (item) => lost.push(item), 50);
    unanswered.add('ping');
    const answered = redis.ping().then(() => unanswered.delete('ping'));
    // The answer arrives during the block; the sweep timer is due long before the loop reads it.
    block(300);
    expect(await answered).toBe(true);
    expect(lost).toEqual([]);
  });

  it('does not give up while the connection keeps answering what was sent before', async () => {
    await connect();
    const lost: number[] = [];
    const unanswered = new Unanswered<number>(redis, (item) => lost.push(item), 50);
    // A queue of slow answers, each within the wait, the last ones far beyond it. Redis answers what it read
    // in one go together, and reads 16 KB at a time: a padding of 40 KB makes it answer each on its own.
    const padding = 'x'.repeat(40_000);
    const done: Promise<boolean>[] = [];
    for (let i = 0; i < 8; i++) {
      unanswered.add(i);
      done.push(redis.eval(SPIN, 0, '30', padding).then(() => unanswered.delete(i)));
    }
    const answers = await Promise.all(done);
    expect(answers).toEqual(Array(8).fill(true));
    expect(lost).toEqual([]);
  });

  it('gives up once the connection has brought nothing for the wait', async () => {
    await connect();
    admin = createRedis(url, 'unanswered-test-admin');
    await connectRedis(admin, url);
    const lost: string[] = [];
    const unanswered = new Unanswered<string>(redis, (item) => lost.push(item), 100);
    await admin.call('CLIENT', 'PAUSE', '2000', 'WRITE');
    unanswered.add('set');
    const write = redis.set(`unanswered-test:${process.pid}`, '1').then(() => unanswered.delete('set'));
    const started = performance.now();
    while (lost.length === 0 && performance.now() - started < 1500) await new Promise((r) => setTimeout(r, 10));
    expect(lost).toEqual(['set']);
    await admin.call('CLIENT', 'UNPAUSE');
    expect(await write).toBe(false);
    await redis.del(`unanswered-test:${process.pid}`);
  });
});
