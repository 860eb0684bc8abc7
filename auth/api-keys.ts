import { randomBytes } from 'node:crypto';
import type { Orm } from '../database/orm.js';
import { ApiKey, Organisation, User } from '../schema/entities/index.js';
import { generateSecret, type MachineSecrets } from './machine-secrets.js';
import { type ApiScope, apiScopes, type Principal } from './principal.js';

export class ApiKeyInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
}

interface Cached {
  id: string;
  salt: string;
  hash: string;
  organisationId: string;
  scopes: ApiScope[];
  revoked: boolean;
  expiresAt: number | null;
  loadedAt: number;
}

/**
 * API keys look like `evk_<prefix>_<secret>`. The prefix finds the key; the secret is checked with a
 * keyed hash in constant time. Keys are cached in memory for `cacheMs` (revocation on this node is
 * immediate; other nodes see it within cacheMs); last use is written behind.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, Cached>();
  private readonly used = new Map<string, Date>();

  constructor(private readonly deps: { orm: Orm; secrets: MachineSecrets; cacheMs?: number }) {}

  async create(input: {
    organisationId: string;
    name: string;
    scopes: string[];
    createdBy: string | null;
  }): Promise<{ key: string; apiKey: ApiKey }> {
    const unknown = input.scopes.filter((s) => !apiScopes.includes(s as ApiScope));
    if (unknown.length) throw new ApiKeyInputError(`scopes: unknown ${unknown.join(', ')}; expected some of ${apiScopes.join(', ')}`);
    if (!input.name.trim() || input.name.length > 100) throw new ApiKeyInputError('name: expected 1 to 100 characters');
    const prefix = randomBytes(6).toString('hex');
    const secret = generateSecret(32);
    const { salt, hash } = this.deps.secrets.hash(secret);
    const em = this.deps.orm.em.fork();
    const apiKey = em.create(ApiKey, {
      organisation: em.getReference(Organisation, input.organisationId),
      name: input.name.trim(),
      prefix,
      salt,
      hash,
      scopes: [...new Set(input.scopes)],
      createdBy: input.createdBy ? em.getReference(User, input.createdBy) : null,
    });
    await em.flush();
    return { key: `evk_${prefix}_${secret}`, apiKey };
  }

  async revoke(id: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const key = await em.findOne(ApiKey, { id });
    if (!key) return;
    key.revokedAt = new Date();
    await em.flush();
    this.cache.delete(key.prefix);
  }

  /** The principal of a presented key, or null when it is unknown, wrong, revoked or expired. */
  async authenticate(presented: string, now = Date.now()): Promise<Principal | null> {
    const match = /^evk_([0-9a-f]{12})_([A-Za-z0-9]{32})$/.exec(presented);
    if (!match) return null;
    const [, prefix, secret] = match as unknown as [string, string, string];
    let entry = this.cache.get(prefix);
    if (!entry || now - entry.loadedAt > (this.deps.cacheMs ?? 10_000)) {
      const row = await this.deps.orm.em.fork().findOne(ApiKey, { prefix });
      if (!row) return null;
      entry = {
        id: row.id,
        salt: row.salt,
        hash: row.hash,
        organisationId: row.organisation.id,
        scopes: row.scopes as ApiScope[],
        revoked: row.revokedAt !== null,
        expiresAt: row.expiresAt?.getTime() ?? null,
        loadedAt: now,
      };
      this.cache.set(prefix, entry);
    }
    if (entry.revoked || (entry.expiresAt !== null && entry.expiresAt <= now)) return null;
    if (!this.deps.secrets.verify(secret, entry.salt, entry.hash)) return null;
    this.used.set(entry.id, new Date(now));
    return { kind: 'apiKey', id: entry.id, role: 'PARTNER', organisationId: entry.organisationId, scopes: entry.scopes };
  }

  async flushLastUsed(): Promise<void> {
    if (this.used.size === 0) return;
    const rows = [...this.used];
    this.used.clear();
    const values = rows.map(() => '(?::uuid, ?::timestamptz)').join(',');
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `update api_key set last_used_at = v.at from (values ${values}) as v(id, at) where api_key.id = v.id`,
        rows.flatMap(([id, at]) => [id, at.toISOString()]),
      );
  }
}
