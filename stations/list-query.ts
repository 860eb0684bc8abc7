import { healthSql } from '../alerts/health.js';
import type { Principal } from '../auth/principal.js';
import { type Condition, Conditions } from '../database/conditions.js';
import { stationScope } from './visibility.js';

/** What a station list may be narrowed by (the API's StationFilter has these fields). */
export interface StationListFilter {
  includeRetired?: boolean | null;
  siteId?: string | null;
  organisationId?: string | null;
  online?: boolean | null;
  vendor?: string | null;
  firmwareVersion?: string | null;
  registrationStatus?: string | null;
  status?: string | null;
  /** Part of the identity or name; at most `maxStationSearch` characters. */
  search?: string | null;
}

export const maxStationSearch = 100;

/** The stations (`station s`) a principal may see, narrowed by the filter: retired ones only when asked for. */
export function stationListWhere(principal: Principal, filter?: StationListFilter | null): Condition {
  const where = new Conditions(stationScope(principal));
  if (!filter?.includeRetired) where.add('s.retired_at is null');
  if (filter?.siteId) where.add('s.site_id = ?', filter.siteId);
  if (filter?.organisationId) where.add('s.organisation_id = ?', filter.organisationId);
  if (filter?.online !== undefined && filter.online !== null) where.add('s.online = ?', filter.online);
  if (filter?.vendor) where.add('s.vendor = ?', filter.vendor);
  if (filter?.firmwareVersion) where.add('s.firmware_version = ?', filter.firmwareVersion);
  if (filter?.registrationStatus) where.add('s.registration_status = ?', filter.registrationStatus);
  if (filter?.status)
    where.add('exists (select 1 from connector c where c.station_id = s.id and c.connector_id = 0 and c.status = ?)', filter.status);
  if (filter?.search) {
    if (filter.search.length > maxStationSearch) throw new RangeError(`search: at most ${maxStationSearch} characters`);
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add('(s.identity ilike ? or s.name ilike ?)', like, like);
  }
  return where;
}

/** The columns a station list may be ordered by. */
export const stationOrderColumns = {
  identity: 's.identity',
  name: 's.name',
  lastSeenAt: 's.last_seen_at',
  createdAt: 's.created_at',
  /** Worst first in ascending order (alerts/health.ts). */
  health: healthSql('s'),
} as const;
