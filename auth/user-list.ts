import type { FilterQuery } from '@mikro-orm/core';
import type { User } from '../schema/entities/index.js';
import { organisationScope, type Principal } from './principal.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a list of accounts may be narrowed by (the API's UserFilter has these fields). */
export interface UserListFilter {
  role?: string | null;
  organisationId?: string | null;
  /** Part of the email or name; at most `maxUserSearch` characters. */
  search?: string | null;
  includeDeleted?: boolean | null;
}

export const maxUserSearch = 100;

/**
 * The accounts a staff member may list (admins all, operators their organisation's; partners' accounts only
 * when asked for by role; deleted ones only when asked for), narrowed by the filter. `null`: none at all (an
 * operator without an organisation, or another organisation asked for).
 */
export function userListWhere(principal: Principal, filter?: UserListFilter | null): FilterQuery<User> | null {
  const scope = organisationScope(principal);
  if (scope === null) return null; // an operator without an organisation sees nobody
  const where: Record<string, unknown> = { role: filter?.role ?? { $ne: 'PARTNER' } };
  if (scope !== undefined) where.organisation = scope;
  if (filter?.organisationId) {
    if (!uuidPattern.test(filter.organisationId) || (scope !== undefined && filter.organisationId !== scope)) return null;
    where.organisation = filter.organisationId;
  }
  if (!filter?.includeDeleted) where.deletedAt = null;
  if (filter?.search) {
    if (filter.search.length > maxUserSearch) throw new RangeError(`search: at most ${maxUserSearch} characters`);
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.$or = [{ email: { $ilike: like } }, { name: { $ilike: like } }];
  }
  return where as FilterQuery<User>;
}
