import type { Principal } from '../auth/principal.js';
import { type Condition, Conditions } from '../database/conditions.js';
import { sessionScope } from './visibility.js';

/** What a session list may be narrowed by (the API's SessionFilter has these fields). */
export interface SessionListFilter {
  stationIdentity?: string | null;
  siteId?: string | null;
  driverId?: string | null;
  idTag?: string | null;
  ocppTransactionId?: string | null;
  from?: Date | null;
  to?: Date | null;
  state?: string | null;
}

/** The sessions (t: charging_session, s: its station) a principal may see, narrowed by the filter. */
export function sessionListWhere(principal: Principal, filter?: SessionListFilter | null): Condition {
  const where = new Conditions(sessionScope(principal));
  const add = (sql: string, ...values: unknown[]) => where.add(sql, ...values);
  if (filter?.stationIdentity) add('s.identity = ?', filter.stationIdentity);
  if (filter?.siteId) add('s.site_id = ?', filter.siteId);
  if (filter?.driverId) add('t.id_token_id in (select k.id from id_token k where k.owner_id = ?)', filter.driverId);
  if (filter?.idTag) add('t.id_tag = ?', filter.idTag);
  if (filter?.ocppTransactionId) add('t.transaction_id = ?', filter.ocppTransactionId);
  if (filter?.from) add('t.started_at >= ?', filter.from.toISOString());
  if (filter?.to) add('t.started_at < ?', filter.to.toISOString());
  if (filter?.state) add('t.state = ?', filter.state);
  return where;
}

export const sessionOrderColumns = { startedAt: 't.started_at', stoppedAt: 't.stopped_at', energyWh: 't.energy_wh' };
