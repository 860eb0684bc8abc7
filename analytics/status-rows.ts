import { clickHouseTime } from './scope.js';
import type { Sql } from '../database/sql.js';
import { connectorStatuses, connectorStatusOf16, type ConnectorStatus } from '../stations/connector-status.js';

/** One row of the warehouse's status_intervals table (migrations/clickhouse/0004_analytics_facts.sql). */
export interface IntervalRow {
  station: string;
  station_id: string;
  connector_id: number;
  kind: 'status' | 'offline';
  site_id: string | null;
  organisation_id: string | null;
  status: string;
  ocpp_status: string;
  error_code: string;
  vendor_error_code: string;
  /** The station's vendor and model, as its BootNotification gave them. */
  vendor: string;
  model: string;
  operator_set: number;
  started_at: string;
  ended_at: string | null;
  version: number;
}

/** The neutral status of what a station sent: 2.0.1 sends it already, 1.6 is mapped. */
const neutralOf = (sent: string): ConnectorStatus =>
  (connectorStatuses as readonly string[]).includes(sent) ? (sent as ConnectorStatus) : connectorStatusOf16(sent);

/**
 * Status events as intervals: each from its time (the station's stamp, or when it arrived) to the next
 * event's of the same connector, or open (null) when none came after it among `events`. An Unavailable is
 * the operator's when the last ChangeAvailability the station accepted for it (or connector 0) before it
 * asked for Inoperative.
 */
const intervalsOf = (events: string) => `
  with ev as (${events}),
  seq as (
    select ev.*, lead(ev.at) over (partition by ev.station_id, ev.connector_id order by ev.at, ev.id) as next_at
    from ev
  )
  select seq.id, st.identity as station, st.id as station_id, seq.connector_id, st.site_id, st.organisation_id,
    seq.status as ocpp_status, seq.error_code, coalesce(seq.vendor_error_code, '') as vendor_error_code,
    coalesce(st.vendor, '') as vendor, coalesce(st.model, '') as model,
    seq.at as started_at, seq.next_at as ended_at,
    (seq.status = 'Unavailable' and (
      select c.request->>'type' from command_log c
      where c.station_id = seq.station_id and c.action = 'ChangeAvailability' and c.outcome = 'ok'
        and c.response->>'status' in ('Accepted', 'Scheduled')
        and (c.request->>'connectorId')::int in (0, seq.connector_id) and c.requested_at <= seq.at + interval '1 minute'
      order by c.requested_at desc limit 1) = 'Inoperative') as operator_set
  from seq join station st on st.id = seq.station_id`;

const eventColumns = `e.id, e.station_id, e.connector_id, e.status, e.error_code, e.vendor_error_code,
  coalesce(e.station_timestamp, e.received_at) as at`;

/** The last n + 1 events of each connector named with n: the n new ones and the one before, which they close. */
const latestOfConnectors = intervalsOf(`
  select x.* from unnest($1::uuid[], $2::int[], $3::int[]) as p(station_id, connector_id, n)
  cross join lateral (
    select ${eventColumns} from status_event e
    where e.station_id = p.station_id and e.connector_id = p.connector_id
    order by e.received_at desc, e.id desc limit p.n + 1
  ) x`);

/**
 * A page of events by id (the sweep), with the event before the page of each connector it touches: that
 * one's interval ends at the page's first event. The last event of a connector in the page stays open
 * until a later page (or the next sweep) closes it.
 */
const pageOfEvents = intervalsOf(`
  with page as (select ${eventColumns} from status_event e where e.id > $1 order by e.id limit $2)
  select page.* from page
  union all
  select x.* from (select station_id, connector_id, min(id) as first_id from page group by 1, 2) p
  cross join lateral (
    select ${eventColumns} from status_event e
    where e.station_id = p.station_id and e.connector_id = p.connector_id and e.id < p.first_id
    order by e.received_at desc, e.id desc limit 1
  ) x`);

interface IntervalRecord {
  station: string;
  station_id: string;
  connector_id: number;
  site_id: string | null;
  organisation_id: string | null;
  ocpp_status: string;
  error_code: string;
  vendor_error_code: string;
  vendor: string;
  model: string;
  started_at: Date;
  ended_at: Date | null;
  operator_set: boolean | null;
}

const rowOf = (r: IntervalRecord, version: number): IntervalRow => ({
  station: r.station,
  station_id: r.station_id,
  connector_id: r.connector_id,
  kind: 'status',
  site_id: r.site_id,
  organisation_id: r.organisation_id,
  status: neutralOf(r.ocpp_status),
  ocpp_status: r.ocpp_status,
  error_code: r.error_code,
  vendor_error_code: r.vendor_error_code,
  vendor: r.vendor,
  model: r.model,
  operator_set: r.operator_set ? 1 : 0,
  started_at: clickHouseTime(r.started_at),
  ended_at: r.ended_at ? clickHouseTime(r.ended_at) : null,
  version,
});

/** The intervals of the last `events` statuses of each connector named, and the one each closes (the writer, after StatusNotifications). */
export async function latestIntervals(
  sql: Sql,
  connectors: Array<{ stationId: string; connectorId: number; events: number }>,
  version: () => number,
): Promise<IntervalRow[]> {
  if (connectors.length === 0) return [];
  const result = await sql.query<IntervalRecord>(latestOfConnectors, [
    connectors.map((c) => c.stationId),
    connectors.map((c) => c.connectorId),
    connectors.map((c) => Math.min(c.events, 1000)),
  ]);
  return result.rows.map((r) => rowOf(r, version()));
}

/** The intervals of the events after `afterId` (at most `limit`), and the id of the last one read (the sweep). */
export async function intervalsAfter(
  sql: Sql,
  afterId: number,
  limit: number,
  version: () => number,
): Promise<{ rows: IntervalRow[]; lastId: number; events: number }> {
  const result = await sql.query<IntervalRecord & { id: string }>(pageOfEvents, [afterId, limit]);
  const ids = result.rows.map((r) => Number(r.id)).filter((id) => id > afterId);
  return {
    rows: result.rows.map((r) => rowOf(r, version())),
    lastId: ids.length ? Math.max(...ids) : afterId,
    events: ids.length,
  };
}
