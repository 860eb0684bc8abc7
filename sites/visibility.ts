import { organisationScope, type Principal } from '../auth/principal.js';
import { type Condition, Conditions } from '../database/conditions.js';
import { stationScope } from '../stations/visibility.js';

/**
 * The sites (`site`) a principal may see: drivers those with a station they may see (the stations' rule);
 * others their organisation's (admins all).
 */
export function siteScope(principal: Principal): Condition {
  if (principal.role === 'DRIVER') {
    const stations = stationScope(principal);
    return { sql: `exists (select 1 from station s where s.site_id = site.id and ${stations.sql})`, params: stations.params };
  }
  const organisation = organisationScope(principal);
  return organisation === undefined ? { sql: 'true', params: [] } : { sql: 'site.organisation_id = ?', params: [organisation] };
}

/** What a site list may be narrowed by (the API's SiteFilter has these fields). */
export interface SiteListFilter {
  organisationId?: string | null;
  /** Part of the name, address or city; at most `maxSiteSearch` characters. */
  search?: string | null;
}

export const maxSiteSearch = 100;

/** The sites a principal may see, narrowed by the filter. */
export function siteListWhere(principal: Principal, filter?: SiteListFilter | null): Condition {
  const where = new Conditions(siteScope(principal));
  if (filter?.organisationId) where.add('site.organisation_id = ?', filter.organisationId);
  if (filter?.search) {
    if (filter.search.length > maxSiteSearch) throw new RangeError(`search: at most ${maxSiteSearch} characters`);
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add('(site.name ilike ? or site.address ilike ? or site.city ilike ?)', like, like, like);
  }
  return where;
}
