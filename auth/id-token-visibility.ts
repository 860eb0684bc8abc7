import { type Condition, Conditions } from '../database/conditions.js';
import type { Principal } from './principal.js';

/**
 * Whose credentials a principal handles: every one (admins), its organisation's, or (drivers) its own;
 * `none` for staff of no organisation, who handle none.
 */
export type IdTokenScope =
  | { kind: 'all' }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'owner'; userId: string }
  | { kind: 'none' };

export function idTokenScope(principal: Principal): IdTokenScope {
  if (principal.role === 'ADMIN') return { kind: 'all' };
  if (principal.role === 'DRIVER') return { kind: 'owner', userId: principal.id };
  if (!principal.organisationId) return { kind: 'none' };
  return { kind: 'organisation', organisationId: principal.organisationId };
}

/** What the rule needs to know about a credential. */
export interface IdTokenFacts {
  organisationId: string | null | undefined;
  ownerId: string | null | undefined;
}

/** May a principal of this scope see the credential? */
export function seesIdToken(scope: IdTokenScope, token: IdTokenFacts): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'organisation') return token.organisationId === scope.organisationId;
  if (scope.kind === 'owner') return token.ownerId === scope.userId;
  return false;
}

/**
 * The authorization decisions (`auth_decision d`) a scope may read: at its organisation's stations or about its
 * organisation's credentials (admins all), of one idTag in either case when given.
 */
export function authDecisionListWhere(scope: IdTokenScope, idTag?: string | null): Condition {
  const where = new Conditions();
  if (scope.kind === 'organisation') {
    where.add(
      `(d.station_id in (select id from station where organisation_id = ?)
                   or d.id_tag in (select value from id_token where organisation_id = ?))`,
      scope.organisationId,
      scope.organisationId,
    );
  } else if (scope.kind !== 'all') {
    where.add('false');
  }
  if (idTag) {
    // Stations send RFID UIDs in either case; both spellings are the same credential.
    where.add('d.id_tag in (?, ?)', idTag.trim(), idTag.trim().toUpperCase());
  }
  return where;
}
