import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AccountError } from './account-fields.js';

/** At most `max` events per `windowSeconds` (a fixed window). */
export interface Limit {
  max: number;
  windowSeconds: number;
}

/** After `maxFailures` failures within `windowSeconds`, the subject is locked for `lockSeconds`. */
export interface Lockout {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
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

  /** Throws RATE_LIMITED while the subject is locked out. */
  async assertUnlocked(bucket: string, subject: string, message = 'locked after too many failures'): Promise<void> {
    const ttl = await this.deps.redis.ttl(this.key(`${bucket}:locked`, subject));
    if (ttl > 0) throw rateLimited(message, ttl);
  }

  /** Records a failure; returns true when it locked the subject out. */
  async fail(bucket: string, subject: string, lockout: Lockout): Promise<boolean> {
    const { allowed } = await this.take(`${bucket}:failures`, subject, {
      max: lockout.maxFailures - 1,
      windowSeconds: lockout.windowSeconds,
    });
    if (allowed) return false;
    await this.deps.redis
      .multi()
      .set(this.key(`${bucket}:locked`, subject), '1', 'EX', lockout.lockSeconds)
      .del(this.key(`${bucket}:failures`, subject))
      .exec();
    return true;
  }

  /** Forgets the failures (after a success). */
  async clear(bucket: string, subject: string): Promise<void> {
    await this.deps.redis.del(this.key(`${bucket}:failures`, subject));
  }
}
