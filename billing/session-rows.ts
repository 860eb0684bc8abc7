import type { Orm } from '../database/orm.js';
import type { SessionFacts } from './timeline.js';

/** What billing reads about a session: its row, its station, operator, site and credential. */
export interface SessionRow {
  id: string;
  transaction_id: string;
  station_id: string;
  identity: string;
  organisation_id: string | null;
  slug: string | null;
  connector_id: number;
  id_token_id: string | null;
  owner_id: string | null;
  token_organisation_id: string | null;
  state: string;
  started_at: Date;
  stopped_at: Date | null;
  meter_start_wh: string | null;
  energy_wh: string | null;
  flags: string[];
  billing_status: string;
  billing_hold: string | null;
  tariff_version_id: string | null;
  time_zone: string | null;
}

const sessionsQuery = `
  select t.id, t.transaction_id, t.station_id, s.identity, s.organisation_id, o.slug, t.connector_id, t.id_token_id,
    k.owner_id, k.organisation_id as token_organisation_id, t.state, t.started_at, t.stopped_at, t.meter_start_wh, t.energy_wh,
    t.flags, t.billing_status, t.billing_hold, t.tariff_version_id, site.time_zone
  from charging_session t join station s on s.id = t.station_id
    left join organisation o on o.id = s.organisation_id left join site on site.id = s.site_id
    left join id_token k on k.id = t.id_token_id
  where t.id in (?)`;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The rows of these sessions, in one query, by id; an id no session has (or that is no lower-case UUID) is absent. */
export async function loadSessions(orm: Orm, ids: string[]): Promise<Map<string, SessionRow>> {
  const found = new Map<string, SessionRow>();
  const wellFormed = ids.filter((id) => uuid.test(id));
  if (wellFormed.length === 0) return found;
  const rows = await orm.em.fork().getConnection().execute<SessionRow[]>(sessionsQuery, [wellFormed]);
  // Raw rows carry times as PostgreSQL wrote them.
  for (const row of rows) {
    found.set(row.id, {
      ...row,
      started_at: new Date(row.started_at),
      stopped_at: row.stopped_at === null ? null : new Date(row.stopped_at),
    });
  }
  return found;
}

/** What the timeline is read from; an open session runs until `now`. */
export const factsOf = (row: SessionRow, now: Date): SessionFacts => ({
  id: row.id,
  transactionId: row.transaction_id,
  stationId: row.station_id,
  identity: row.identity,
  connectorId: row.connector_id,
  startedAt: row.started_at,
  stoppedAt: row.stopped_at ?? now,
  meterStartWh: row.meter_start_wh === null ? null : Number(row.meter_start_wh),
  energyWh: row.state === 'Active' ? null : row.energy_wh === null ? null : Number(row.energy_wh),
  timeZone: row.time_zone ?? 'UTC',
});
