import type { AuthChecker } from 'type-graphql';
import { type ApiScope, hasScope } from '../auth/principal.js';
import type { ApiContext } from './context.js';
import { ApiError } from './errors.js';

/**
 * The one place roles and scopes are checked. `@Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')`
 * lets admins, operators, and partners whose key holds stations:read in; `@Authorized()` any signed-in
 * principal. Ownership (which organisation) is checked in the resolvers' queries, where another
 * organisation's object reads as not found.
 */
export const authChecker: AuthChecker<ApiContext> = ({ context }, allowed) => {
  const principal = context.principal;
  if (!principal) throw new ApiError('UNAUTHENTICATED', 'sign in (Authorization: Bearer <token or API key>)');
  if (allowed.length === 0) return true;
  if (principal.kind === 'apiKey') {
    const scopes = allowed.filter((a) => a.startsWith('scope:')).map((a) => a.slice(6) as ApiScope);
    if (scopes.some((s) => hasScope(principal, s))) return true;
    throw new ApiError('FORBIDDEN', `this API key lacks the scope ${scopes.join(' or ') || 'for this operation'}`);
  }
  if (allowed.includes(principal.role)) return true;
  throw new ApiError('FORBIDDEN', `not allowed for role ${principal.role}`);
};
