import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('progressive delays', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `test-rate-${randomBytes(4).toString('hex')}`;
  const rate = new RateLimiter({ redis, prefix });
  const backoff = { freeFailures: 3, windowSeconds: 900, firstDelaySeconds: 1, maxDelaySeconds: 900 };
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('lets the free failures pass, then doubles each wait up to the cap, saying only once that it started', async () => {
    const outcomes = [];
    for (let i = 0; i < 16; i++) outcomes.push(await rate.fail('login', 'someone@example.rw', backoff));
    expect(outcomes.map((o) => o.wait)).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    expect(outcomes.map((o) => o.started)).toEqual(outcomes.map((_, i) => i === 3));
    expect(await rate.waiting('login', 'someone@example.rw')).toBe(900);
    await expect(rate.assertNotWaiting('login', 'someone@example.rw', 'wait')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfter: 900 },
    });
  });

  it('keeps subjects apart and forgets both the failures and the wait on clear', async () => {
    for (let i = 0; i < 4; i++) await rate.fail('login', 'a@example.rw', backoff);
    expect(await rate.waiting('login', 'a@example.rw')).toBe(1);
    expect(await rate.waiting('login', 'b@example.rw')).toBe(0);
    expect(await rate.waiting('login-ip', 'a@example.rw')).toBe(0);
    await rate.clear('login', 'a@example.rw');
    expect(await rate.waiting('login', 'a@example.rw')).toBe(0);
    expect((await rate.fail('login', 'a@example.rw', backoff)).wait).toBe(0); // free failures again
  });

  it('stores no subject in clear in its keys', async () => {
    await rate.fail('login', 'visible@example.rw', backoff);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('visible');
  });
});
