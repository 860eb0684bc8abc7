import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AccountError } from './account-fields.js';

/** At most `max` events per `windowSeconds` (a fixed window). */
export interface Limit {
  max: number;
  windowSeconds: number;
}

/**
 * Progressive delays: `freeFailures` failures within `windowSeconds` cost nothing; each further one
 * makes the subject wait before its next attempt is even checked, first `firstDelaySeconds`, then
 * twice as long each time, at most `maxDelaySeconds`. Nobody is locked out: a wait always ends.
 */
export interface Backoff {
  freeFailures: number;
  windowSeconds: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

export const rateLimited = (message: string, retryAfter: number) =>
  new AccountError('RATE_LIMITED', `${message}; try again in ${retryAfter} s`, { retryAfter });

/**
 * Counters in Redis under `${prefix}:ratelimit:`, shared by every API node. Subjects (IP addresses,
 * email addresses) are hashed in the keys, so no address is stored in clear.
 */
export class RateLimiter {
  constructor(private readonly deps: { redis: Redis; prefix: string }) {}

  private key(bucket: string, subject: string) {
    return `${this.deps.prefix}:ratelimit:${bucket}:${createHash('sha256').update(subject).digest('base64url').slice(0, 22)}`;
  }

  /** Counts one event; false (and the seconds until the window ends) when the limit is passed. */
  async take(bucket: string, subject: string, limit: Limit): Promise<{ allowed: boolean; retryAfter: number }> {
    const key = this.key(bucket, subject);
    const results = await this.deps.redis.multi().incr(key).expire(key, limit.windowSeconds, 'NX').ttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? -1);
    return { allowed: count <= limit.max, retryAfter: ttl > 0 ? ttl : limit.windowSeconds };
  }

  /** Counts one event and throws RATE_LIMITED (with retryAfter) when the limit is passed. */
  async consume(bucket: string, subject: string, limit: Limit, message = 'too many attempts'): Promise<void> {
    const { allowed, retryAfter } = await this.take(bucket, subject, limit);
    if (!allowed) throw rateLimited(message, retryAfter);
  }

  /** The seconds the subject must still wait before its next attempt is checked (0: none). */
  async waiting(bucket: string, subject: string): Promise<number> {
    const ms = await this.deps.redis.pttl(this.key(`${bucket}:wait`, subject));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** Throws RATE_LIMITED (at once, with retryAfter) while the subject must wait. */
  async assertNotWaiting(bucket: string, subject: string, message: string): Promise<void> {
    const seconds = await this.waiting(bucket, subject);
    if (seconds > 0) throw rateLimited(message, seconds);
  }

  /**
   * Records a failure and, past the free ones, starts the subject's next wait: its length in seconds
   * (0 while failures are still free), and whether it is the first since the count began. The count
   * is kept for a window after the longest wait, so a patient attacker keeps meeting long waits
   * instead of a fresh set of free failures.
   */
  async fail(bucket: string, subject: string, backoff: Backoff): Promise<{ wait: number; started: boolean }> {
    const failures = this.key(`${bucket}:failures`, subject);
    const results = await this.deps.redis
      .multi()
      .incr(failures)
      .expire(failures, backoff.windowSeconds + backoff.maxDelaySeconds)
      .exec();
    const beyond = Number(results?.[0]?.[1] ?? 0) - backoff.freeFailures;
    if (beyond <= 0) return { wait: 0, started: false };
    const seconds = Math.min(backoff.firstDelaySeconds * 2 ** Math.min(beyond - 1, 30), backoff.maxDelaySeconds);
    await this.deps.redis.set(this.key(`${bucket}:wait`, subject), '1', 'EX', seconds);
    return { wait: seconds, started: beyond === 1 };
  }

  /** Forgets the failures and any wait (after a success). */
  async clear(bucket: string, subject: string): Promise<void> {
    await this.deps.redis.del(this.key(`${bucket}:failures`, subject), this.key(`${bucket}:wait`, subject));
  }
}
