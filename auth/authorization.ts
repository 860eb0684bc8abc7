import type { Redis } from 'ioredis';
import type { Orm } from '../database/orm.js';
import { IdToken } from '../schema/entities/index.js';

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** The OCPP 1.6 answer about a credential. */
export interface IdTagInfo {
  status: IdTagStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

export interface AuthorizationDecision {
  idTagInfo: IdTagInfo;
  /** The credential found, if any. */
  tokenId: string | null;
  /** Why, in words an operator reads in the audit. */
  reason: string;
}

interface TokenSnapshot {
  id: string;
  value: string;
  status: 'Accepted' | 'Blocked' | 'Expired';
  expiresAt: string | null;
  maxConcurrent: number;
  parent: { value: string; status: string; expiresAt: string | null } | null;
}

/** The shape stations send RFID UIDs in varies; stored RFID values are upper-case hex. */
export const normaliseIdTag = (idTag: string) => idTag.trim();

/**
 * The authorization decision for Authorize, StartTransaction and remote starts. Credentials are cached
 * in Redis (invalidated on change); the count of open sessions is always read fresh.
 */
export class AuthorizationService {
  constructor(private readonly deps: { orm: Orm; redis: Redis; prefix: string; cacheSeconds?: number }) {}

  private key(value: string) {
    return `${this.deps.prefix}:idtag:${value}`;
  }

  async check(idTag: string, options: { countOpenSessions?: boolean; now?: Date } = {}): Promise<AuthorizationDecision> {
    const now = options.now ?? new Date();
    const token = await this.lookup(idTag);
    if (!token) return { idTagInfo: { status: 'Invalid' }, tokenId: null, reason: 'unknown credential' };
    const info: IdTagInfo = { status: 'Accepted' };
    if (token.expiresAt) info.expiryDate = token.expiresAt;
    if (token.parent) info.parentIdTag = token.parent.value;
    const expired = (at: string | null) => at !== null && new Date(at).getTime() <= now.getTime();
    const deny = (status: IdTagStatus, reason: string): AuthorizationDecision => ({
      idTagInfo: { ...info, status },
      tokenId: token.id,
      reason,
    });
    if (token.status === 'Blocked') return deny('Blocked', 'credential blocked');
    if (token.status === 'Expired' || expired(token.expiresAt)) return deny('Expired', 'credential expired');
    if (token.parent?.status === 'Blocked') return deny('Blocked', `group ${token.parent.value} blocked`);
    if (token.parent && (token.parent.status === 'Expired' || expired(token.parent.expiresAt))) {
      return deny('Expired', `group ${token.parent.value} expired`);
    }
    if (options.countOpenSessions !== false && token.maxConcurrent > 0) {
      const rows = await this.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ n: string }[]>(`select count(*) as n from charging_transaction where id_tag = ? and state = 'Active'`, [token.value]);
      if (Number(rows[0]?.n ?? 0) >= token.maxConcurrent) return deny('ConcurrentTx', `already ${token.maxConcurrent} open session(s)`);
    }
    return { idTagInfo: info, tokenId: token.id, reason: 'accepted' };
  }

  /** Forget the cached credential (call after any change to it or its group). */
  async invalidate(value: string): Promise<void> {
    await this.deps.redis.del(this.key(value));
  }

  private async lookup(idTag: string): Promise<TokenSnapshot | null> {
    const value = normaliseIdTag(idTag);
    const cached = await this.deps.redis.get(this.key(value));
    if (cached) return cached === 'null' ? null : (JSON.parse(cached) as TokenSnapshot);
    const em = this.deps.orm.em.fork();
    const upper = value.toUpperCase();
    const token =
      (await em.findOne(IdToken, { value }, { populate: ['parent'] })) ??
      (upper !== value ? await em.findOne(IdToken, { value: upper, type: 'RFID' }, { populate: ['parent'] }) : null);
    const snapshot: TokenSnapshot | null = token
      ? {
          id: token.id,
          value: token.value,
          status: token.status,
          expiresAt: token.expiresAt?.toISOString() ?? null,
          maxConcurrent: token.maxConcurrent,
          parent: token.parent
            ? { value: token.parent.value, status: token.parent.status, expiresAt: token.parent.expiresAt?.toISOString() ?? null }
            : null,
        }
      : null;
    await this.deps.redis.set(this.key(value), JSON.stringify(snapshot), 'EX', this.deps.cacheSeconds ?? 60);
    return snapshot;
  }
}
