import type { Redis } from 'ioredis';
import type { Orm } from '../database/orm.js';
import { REDIS_WAIT_MS, isReady, within } from '../platform/redis.js';
import { type CredentialType, IdToken, type IdTokenType } from '../schema/entities/index.js';
import { credentialTypeOf } from './credential-type.js';
import type { AuthDecisionLog, AuthPurpose } from './decision-log.js';

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
  /** How it was presented: its registered type, Unknown when none is registered. */
  credentialType: CredentialType;
  /** Why, in words an operator reads in the audit. */
  reason: string;
}

interface TokenSnapshot {
  id: string;
  value: string;
  /** The driver who owns it and the fleet that pays for it (absent in snapshots cached before they were kept). */
  ownerId?: string | null;
  organisationId?: string | null;
  type: IdTokenType;
  status: 'Accepted' | 'Blocked' | 'Expired';
  expiresAt: string | null;
  maxConcurrent: number;
  parent: { value: string; status: string; expiresAt: string | null } | null;
}

export interface CheckOptions {
  countOpenSessions?: boolean;
  now?: Date;
  startingOn?: { stationId: string; connectorId: number };
  purpose?: AuthPurpose;
  stationId?: string | null;
}

/** The shape stations send RFID UIDs in varies; stored RFID values are upper-case hex. */
export const normaliseIdTag = (idTag: string) => idTag.trim();

/**
 * The authorization decision for Authorize, StartTransaction and remote starts. Credentials are cached
 * in Redis (invalidated on change); the count of open sessions is always read fresh. While Redis is away the
 * cache is passed by (PostgreSQL decides alone), so a charger's Authorize never waits for Redis.
 */
/** A refusal for money (billing/money-gate.ts): an invoice past due, a wallet below the operator's minimum. */
export interface MoneyCheck {
  refusal(credential: { ownerId: string | null; fleetOrganisationId: string | null }, stationId: string | null): Promise<string | null>;
}

export class AuthorizationService {
  constructor(
    private readonly deps: {
      orm: Orm;
      redis: Redis;
      prefix: string;
      cacheSeconds?: number;
      decisions?: AuthDecisionLog;
      money?: MoneyCheck;
    },
  ) {}

  private key(value: string) {
    return `${this.deps.prefix}:idtag:${value}`;
  }

  /**
   * Decides, and queues the decision for the audit (written behind, no database round trip here).
   * `purpose` and `stationId` say why and where it was asked (default: Authorize; the station of `startingOn`).
   */
  async check(idTag: string, options: CheckOptions = {}): Promise<AuthorizationDecision> {
    const decision = await this.decide(idTag, options);
    this.deps.decisions?.record({
      idTag,
      stationId: options.stationId ?? options.startingOn?.stationId ?? null,
      purpose: options.purpose ?? 'Authorize',
      status: decision.idTagInfo.status,
      reason: decision.reason,
      decidedAt: options.now ?? new Date(),
    });
    return decision;
  }

  /**
   * `startingOn`: the connector a StartTransaction names. A session still open there lost its stop and is
   * about to be superseded by this one, so it does not count against the credential's concurrent sessions.
   */
  private async decide(idTag: string, options: CheckOptions): Promise<AuthorizationDecision> {
    const now = options.now ?? new Date();
    const token = await this.lookup(idTag);
    if (!token) return { idTagInfo: { status: 'Invalid' }, tokenId: null, credentialType: 'Unknown', reason: 'unknown credential' };
    const info: IdTagInfo = { status: 'Accepted' };
    if (token.expiresAt) info.expiryDate = token.expiresAt;
    if (token.parent) info.parentIdTag = token.parent.value;
    const expired = (at: string | null) => at !== null && new Date(at).getTime() <= now.getTime();
    const deny = (status: IdTagStatus, reason: string): AuthorizationDecision => ({
      idTagInfo: { ...info, status },
      tokenId: token.id,
      credentialType: credentialTypeOf(token.type),
      reason,
    });
    if (token.status === 'Blocked') return deny('Blocked', 'credential blocked');
    if (token.status === 'Expired' || expired(token.expiresAt)) return deny('Expired', 'credential expired');
    if (token.parent?.status === 'Blocked') return deny('Blocked', `group ${token.parent.value} blocked`);
    if (token.parent && (token.parent.status === 'Expired' || expired(token.parent.expiresAt))) {
      return deny('Expired', `group ${token.parent.value} expired`);
    }
    // Money is decided fresh, never from the cache: a top-up or a paid invoice counts at once. Not for a stop.
    if (this.deps.money && options.purpose !== 'StopTransaction') {
      const stationId = options.stationId ?? options.startingOn?.stationId ?? null;
      const refused = await this.deps.money.refusal(
        { ownerId: token.ownerId ?? null, fleetOrganisationId: token.organisationId ?? null },
        stationId,
      );
      if (refused) return deny('Blocked', refused);
    }
    if (options.countOpenSessions !== false && token.maxConcurrent > 0) {
      const rows = await this.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ n: string }[]>(
          `select count(*) as n from charging_session where (id_token_id = ? or id_tag in (?, ?, ?)) and state = 'Active'
             and not coalesce(station_id = ? and connector_id = ?, false)`,
          [
            token.id,
            token.value,
            // Sessions keep the idTag as the station sent it: an RFID UID in lower case, say.
            token.type === 'RFID' ? token.value.toLowerCase() : token.value,
            normaliseIdTag(idTag),
            options.startingOn?.stationId ?? null,
            options.startingOn?.connectorId ?? null,
          ],
        );
      if (Number(rows[0]?.n ?? 0) >= token.maxConcurrent) return deny('ConcurrentTx', `already ${token.maxConcurrent} open session(s)`);
    }
    return { idTagInfo: info, tokenId: token.id, credentialType: credentialTypeOf(token.type), reason: 'accepted' };
  }

  /** Forget the cached credential (call after any change to it or its group). */
  async invalidate(value: string): Promise<void> {
    await this.deps.redis.del(this.key(value));
  }

  /** Forget many cached credentials at once (a group's members, say). */
  async invalidateAll(values: string[]): Promise<void> {
    for (let i = 0; i < values.length; i += 500) {
      const keys = values.slice(i, i + 500).map((v) => this.key(v));
      if (keys.length) await this.deps.redis.del(...keys);
    }
  }

  /**
   * The credential an idTag names: stored under exactly that value, or else under the one value that differs only
   * in case. OCPP idTags are case-insensitive (CiString20Type): "04a1b2c3" is the tag stored as "04A1B2C3".
   */
  private async lookup(idTag: string): Promise<TokenSnapshot | null> {
    const value = normaliseIdTag(idTag);
    const exact = await this.load(value);
    if (exact) return exact;
    const spellings = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ value: string }[]>('select value from id_token where lower(value) = lower(?) limit 2', [value]);
    const stored = spellings.length === 1 ? spellings[0]?.value : undefined;
    return stored === undefined || stored === value ? null : this.load(stored);
  }

  /** One stored value, cached under that value so that `invalidate(value)` always reaches it. */
  private async load(value: string): Promise<TokenSnapshot | null> {
    const { redis } = this.deps;
    // A cache read that Redis does not answer soon counts as a miss; PostgreSQL has the credential too.
    const cached = isReady(redis) ? await within(redis.get(this.key(value)), REDIS_WAIT_MS, null) : null;
    if (cached) return cached === 'null' ? null : (JSON.parse(cached) as TokenSnapshot);
    const token = await this.deps.orm.em.fork().findOne(IdToken, { value }, { populate: ['parent'] });
    const snapshot: TokenSnapshot | null = token
      ? {
          id: token.id,
          value: token.value,
          ownerId: token.owner?.id ?? null,
          organisationId: token.organisation?.id ?? null,
          type: token.type,
          status: token.status,
          expiresAt: token.expiresAt?.toISOString() ?? null,
          maxConcurrent: token.maxConcurrent,
          parent: token.parent
            ? { value: token.parent.value, status: token.parent.status, expiresAt: token.parent.expiresAt?.toISOString() ?? null }
            : null,
        }
      : null;
    // Not awaited: the answer does not wait for the cache. On the same connection, a later invalidate() still
    // reaches Redis after this write.
    if (isReady(redis)) redis.set(this.key(value), JSON.stringify(snapshot), 'EX', this.deps.cacheSeconds ?? 60).catch(() => {});
    return snapshot;
  }
}
