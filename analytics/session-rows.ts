import { clickHouseTime } from './scope.js';
import type { Sql } from '../database/sql.js';

/** One row of the warehouse's sessions table (migrations/clickhouse/0004_analytics_facts.sql), as JSONEachRow writes it. */
export interface SessionRow {
  session_id: string;
  station: string;
  station_id: string;
  connector_id: number;
  site_id: string | null;
  organisation_id: string | null;
  time_zone: string;
  driver: string;
  credential_type: string;
  started_at: string;
  ended_at: string;
  energy_wh: number;
  charging_seconds: number;
  idle_seconds: number;
  stop_reason: string;
  success: number;
  revenue_minor: number;
  currency: string;
  version: number;
}

/** Stop reasons of a session that ended as the driver or the operator meant it (1.6 StopTransaction.reason, 2.0.1 stoppedReason). */
export const normalStops = ['', 'Local', 'Remote', 'EVDisconnected', 'StoppedByEV'];

/**
 * The facts of ended sessions, from PostgreSQL as it stands: the same session gives the same row, so the
 * writer and the sweep can both write it. Charging time is the time its connector reported Charging between
 * start and stop (the whole session when the station reported no status while it ran, and delivered energy);
 * revenue is the invoice's amount before tax, less its credit notes, in its currency.
 */
const sessionFacts = `
  select s.id as session_id, st.identity as station, st.id as station_id, s.connector_id, st.site_id, st.organisation_id,
    coalesce(site.time_zone, 'UTC') as time_zone, coalesce(s.id_token_id::text, lower(s.id_tag)) as driver, s.credential_type,
    s.started_at, s.stopped_at as ended_at, coalesce(s.energy_wh, s.live_energy_wh, 0)::bigint as energy_wh,
    case when c.events = 0 and coalesce(s.energy_wh, s.live_energy_wh, 0) > 0 then extract(epoch from s.stopped_at - s.started_at)
         else c.charging end as charging_seconds,
    extract(epoch from s.stopped_at - s.started_at) as duration_seconds,
    coalesce(s.stop_reason, '') as stop_reason,
    (coalesce(s.energy_wh, s.live_energy_wh, 0) > 0 and coalesce(s.stop_reason, '') = any($2::text[])
      and not s.flags ? 'stop-lost') as success,
    coalesce(i.revenue, 0)::bigint as revenue_minor, coalesce(i.currency, '') as currency,
    greatest(s.updated_at, i.issued_at) as changed_at
  from charging_session s
  join station st on st.id = s.station_id
  left join site on site.id = st.site_id
  left join lateral (
    select count(*)::int as events,
      coalesce(sum(extract(epoch from least(x.next_at, s.stopped_at) - greatest(x.at, s.started_at)))
        filter (where x.status = 'Charging' and x.next_at > s.started_at and x.at < s.stopped_at), 0) as charging
    from (
      select e.status, coalesce(e.station_timestamp, e.received_at) as at,
        coalesce(lead(coalesce(e.station_timestamp, e.received_at)) over (order by coalesce(e.station_timestamp, e.received_at), e.id), s.stopped_at) as next_at
      from status_event e
      where e.station_id = s.station_id and e.connector_id = s.connector_id
        and e.received_at between s.started_at - interval '1 day' and s.stopped_at + interval '1 hour'
    ) x
  ) c on true
  left join lateral (
    select inv.currency, inv.issued_at,
      inv.excl_tax_minor - coalesce((select sum(abs(cn.excl_tax_minor)) from invoice cn where cn.credit_of_id = inv.id and cn.status <> 'void'), 0) as revenue
    from invoice inv where inv.session_id = s.id and inv.kind = 'invoice' and inv.status <> 'void'
    order by inv.issued_at desc limit 1
  ) i on true
  where s.id = any($1::uuid[]) and s.state = 'Completed' and s.stopped_at is not null`;

type FactRecord = Omit<
  SessionRow,
  'started_at' | 'ended_at' | 'energy_wh' | 'charging_seconds' | 'idle_seconds' | 'success' | 'revenue_minor' | 'version'
> & {
  started_at: Date;
  ended_at: Date;
  energy_wh: string | number;
  charging_seconds: string | number;
  duration_seconds: string | number;
  success: boolean;
  revenue_minor: string | number;
};

/** The facts of these sessions (those ended; the others are left out), each stamped with `version`. */
export async function sessionRows(sql: Sql, ids: string[], version: () => number): Promise<SessionRow[]> {
  if (ids.length === 0) return [];
  const result = await sql.query<FactRecord>(sessionFacts, [ids, normalStops]);
  return result.rows.map((r) => {
    const duration = Math.max(0, Math.round(Number(r.duration_seconds)));
    const charging = Math.min(duration, Math.max(0, Math.round(Number(r.charging_seconds))));
    return {
      session_id: r.session_id,
      station: r.station,
      station_id: r.station_id,
      connector_id: r.connector_id,
      site_id: r.site_id,
      organisation_id: r.organisation_id,
      time_zone: r.time_zone,
      driver: r.driver,
      credential_type: r.credential_type,
      started_at: clickHouseTime(r.started_at),
      ended_at: clickHouseTime(r.ended_at),
      energy_wh: Number(r.energy_wh),
      charging_seconds: charging,
      idle_seconds: duration - charging,
      stop_reason: r.stop_reason,
      success: r.success ? 1 : 0,
      revenue_minor: Number(r.revenue_minor),
      currency: r.currency,
      version: version(),
    };
  });
}
