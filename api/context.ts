import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal.js';
import { revokedTokenKey, revokedUserKey } from '../auth/revocation.js';
import { TokenError } from '../auth/tokens.js';
import type { Deps } from '../system/deps.js';
import { ApiError } from './errors.js';
import type { LiveAccess } from './live-access.js';
import { createLoaders, type Loaders } from './loaders.js';

export { revokedTokenKey, revokedUserKey };

export type ApiDeps = Deps & { version: string };

/** One per GraphQL operation: who asks, its own unit of work (a forked EntityManager), its DataLoaders. */
export interface ApiContext {
  deps: ApiDeps;
  em: EntityManager;
  principal: Principal | null;
  /** The client's address, for rate limits. */
  ip: string;
  loaders: Loaders;
  /** Who may see which live event (subscriptions), shared by the whole API process. */
  live: LiveAccess;
}

/** Reads `Authorization: Bearer <access token | API key>` (or `X-API-Key`); a bad credential is an error, not anonymity. */
export async function authenticate(
  deps: ApiDeps,
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): Promise<Principal | null> {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const credential = apiKeyHeader?.trim() || bearer;
  if (!credential) return null;
  if (credential.startsWith('evk_')) {
    const principal = await deps.apiKeys.authenticate(credential);
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'the API key is not valid (unknown, revoked or expired)');
    return principal;
  }
  let claims: Awaited<ReturnType<ApiDeps['tokens']['verify']>>;
  try {
    claims = await deps.tokens.verify(credential);
  } catch (error) {
    throw new ApiError('UNAUTHENTICATED', error instanceof TokenError ? error.message : 'the access token is not valid');
  }
  const prefix = deps.config.REDIS_PREFIX;
  const [tokenRevoked, userRevoked] = await deps.redis.mget(revokedTokenKey(prefix, claims.jti), revokedUserKey(prefix, claims.sub));
  if (tokenRevoked) throw new ApiError('UNAUTHENTICATED', 'the access token was revoked (logged out)');
  if (userRevoked && Number(userRevoked) >= claims.iat)
    throw new ApiError('UNAUTHENTICATED', 'the account was closed or its sessions revoked');
  if (claims.role === 'PARTNER') throw new ApiError('UNAUTHENTICATED', 'the access token is not valid');
  return { kind: 'user', id: claims.sub, role: claims.role, organisationId: claims.org, tokenId: claims.jti };
}

export function createContext(deps: ApiDeps, principal: Principal | null, ip: string, live: LiveAccess): ApiContext {
  const em = deps.orm.em.fork();
  return { deps, em, principal, ip, loaders: createLoaders(em, deps.sql), live };
}
