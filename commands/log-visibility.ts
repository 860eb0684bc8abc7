import { organisationScope, type Principal } from '../auth/principal.js';
import { type Condition, Conditions } from '../database/conditions.js';

/**
 * The command log entries (`command_log c`, `station s` its station) a principal may read: those of its
 * organisation's stations (admins all), of one station when given. Drivers read none (the API's @Authorized
 * keeps them out; the rule says so too).
 */
export function commandLogListWhere(principal: Principal, stationId?: string): Condition {
  const where = new Conditions();
  if (principal.role === 'DRIVER') where.add('false');
  const organisation = organisationScope(principal);
  if (organisation !== undefined) where.add('s.organisation_id = ?', organisation);
  if (stationId) where.add('c.station_id = ?', stationId);
  return where;
}
