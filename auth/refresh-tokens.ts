import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { RefreshToken, type User } from '../schema/entities/index.js';
import { hashToken, randomToken } from './one-time-tokens.js';
import { revokedTokenKey, revokedUserKey } from './revocation.js';
import type { TokenSigner } from './tokens.js';

/** What a sign-in or a refresh hands out: a short-lived access token and a refresh token. */
export interface AuthTokens {
  token: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/**
 * Issues and revokes the tokens of a signed-in user. Refresh tokens are stored hashed, grouped in a
 * family per sign-in; access tokens are revoked in Redis (one by its jti, or all of a user's up to now).
 */
export class SessionTokens {
  constructor(
    private readonly deps: { redis: Redis; prefix: string; tokens: TokenSigner },
    private readonly refreshTtlMs = 30 * 24 * 3600_000,
  ) {}

  /** A token pair; the refresh token is added to `em` (the caller flushes). */
  async issue(em: EntityManager, user: User, family: string = randomUUID()): Promise<AuthTokens> {
    const refreshToken = randomToken();
    em.create(RefreshToken, { user, family, hash: hashToken(refreshToken), expiresAt: new Date(Date.now() + this.refreshTtlMs) });
    return { ...(await this.accessToken(user)), refreshToken };
  }

  /**
   * Signs an access token. The API refuses tokens issued in or before the second a user's tokens were
   * revoked, so a token signed in that same second is dated one second later.
   */
  private async accessToken(user: User): Promise<{ token: string; expiresIn: number }> {
    const revokedAt = Number((await this.deps.redis.get(revokedUserKey(this.deps.prefix, user.id))) ?? 0);
    const now = Date.now();
    const at = Math.floor(now / 1000) <= revokedAt ? (revokedAt + 1) * 1000 : now;
    const { token, claims } = await this.deps.tokens.sign(
      { id: user.id, role: user.role, organisationId: user.organisation?.id ?? null },
      at,
    );
    return { token, expiresIn: claims.exp - Math.floor(now / 1000) };
  }

  /** Ends one access token (logout) for as long as it could live. */
  async revokeAccessToken(jti: string): Promise<void> {
    await this.deps.redis.set(revokedTokenKey(this.deps.prefix, jti), '1', 'EX', this.deps.tokens.ttlSeconds + 1);
  }

  /**
   * Ends every access token of the user issued up to now (password reset, account deletion). Tokens
   * dated a second ahead by `accessToken` are covered too: the mark moves past the previous one.
   */
  async revokeUser(userId: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    await this.deps.redis.eval(
      `local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
       redis.call('SET', KEYS[1], math.max(tonumber(ARGV[1]), previous + 1), 'EX', ARGV[2])`,
      1,
      revokedUserKey(this.deps.prefix, userId),
      now,
      this.deps.tokens.ttlSeconds + 5,
    );
  }

  async revokeFamily(em: EntityManager, family: string): Promise<number> {
    return em.nativeUpdate(RefreshToken, { family, revokedAt: null }, { revokedAt: new Date() });
  }

  async revokeAllOf(em: EntityManager, userId: string): Promise<number> {
    return em.nativeUpdate(RefreshToken, { user: userId, revokedAt: null }, { revokedAt: new Date() });
  }

  /**
   * The stored refresh token a presented one names, with its user; null when unknown. With `lock`
   * (inside a transaction) the row is locked: a concurrent use of the same token waits, then sees it rotated.
   */
  async find(em: EntityManager, presented: string, options: { lock?: boolean } = {}): Promise<RefreshToken | null> {
    if (presented.length > 100) return null;
    const row = await em.findOne(
      RefreshToken,
      { hash: hashToken(presented) },
      options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (row) await em.populate(row, ['user']);
    return row;
  }
}
