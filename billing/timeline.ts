import type { Orm } from '../database/orm.js';
import type { Warehouse } from '../warehouse/client.js';
import type { SessionTimeline } from './tariff-model.js';

/** What the timeline of a session is read from: its row and its station's site. */
export interface SessionFacts {
  id: string;
  transactionId: string;
  stationId: string;
  identity: string;
  connectorId: number;
  startedAt: Date;
  /** The stop, or now for an open session. */
  stoppedAt: Date;
  meterStartWh: number | null;
  /** The energy delivered, if known: the last reading is set to it (meterStop − meterStart is what is billed). */
  energyWh: number | null;
  timeZone: string;
}

const clickHouseTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const day = 86_400_000;

type WarehouseRow = { ms: string | number; measurand: string; value: number };
type Readings = SessionTimeline['readings'];

/** Where a sample without a session id is looked for: its station, connector and the protocol's key. */
const orphanKey = (station: string, connectorId: number, transactionId: string | null) => `${station}\n${connectorId}\n${transactionId}`;

/**
 * The readings of sessions from the warehouse, in one query: for each, energy relative to its start, clamped so
 * that it never falls and ends at the session's energy, with the power and current reported with it; the start
 * and the stop alone when the station sent no samples. A session's samples are those of its station and
 * connector within a day of it that name it, or that name no session and carry its transaction id.
 */
export async function sessionsReadings(warehouse: Warehouse, sessions: SessionFacts[]): Promise<Map<string, Readings>> {
  const rows = new Map<string, WarehouseRow[]>(sessions.map((s) => [s.id, []]));
  if (sessions.length > 0) {
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const orphansOf = new Map<string, SessionFacts[]>();
    for (const s of sessions) {
      const key = orphanKey(s.identity, s.connectorId, s.transactionId);
      const same = orphansOf.get(key);
      if (same) same.push(s);
      else orphansOf.set(key, [s]);
    }
    const belongs = (s: SessionFacts, station: string, connectorId: number, ms: number) =>
      s.identity === station && s.connectorId === connectorId && ms >= s.startedAt.getTime() - day && ms <= s.stoppedAt.getTime() + day;
    const found = await warehouseRows(warehouse, sessions);
    // In time order: each session's rows keep the order one query per session would have given.
    for (const [sessionId, station, connectorId, transactionId, ms, measurand, value] of found) {
      const at = Number(ms);
      const owners = sessionId === null ? (orphansOf.get(orphanKey(station, connectorId, transactionId)) ?? []) : [byId.get(sessionId)];
      for (const s of owners) if (s && belongs(s, station, connectorId, at)) rows.get(s.id)?.push({ ms: at, measurand, value });
    }
  }
  return new Map(sessions.map((s) => [s.id, readingsFrom(rows.get(s.id) ?? [], s)]));
}

type FoundRow = [
  sessionId: string | null,
  station: string,
  connectorId: number,
  transactionId: string | null,
  ms: string,
  measurand: string,
  value: number,
];

async function warehouseRows(warehouse: Warehouse, sessions: SessionFacts[]): Promise<FoundRow[]> {
  const from = sessions.reduce((min, s) => Math.min(min, s.startedAt.getTime()), Number.POSITIVE_INFINITY) - day;
  const to = sessions.reduce((max, s) => Math.max(max, s.stoppedAt.getTime()), Number.NEGATIVE_INFINITY) + day;
  const result = await warehouse.client.query({
    query: `
      SELECT toString(session_id), station, connector_id, transaction_id, toUnixTimestamp64Milli(ts) AS ms, measurand, value
      FROM ${warehouse.table('meter_values')} FINAL
      WHERE station IN {stations:Array(String)}
        AND ts >= {from:DateTime64(3, 'UTC')} AND ts <= {to:DateTime64(3, 'UTC')}
        AND (session_id IN {sessionIds:Array(UUID)} OR (session_id IS NULL AND transaction_id IN {transactionIds:Array(String)}))
        AND measurand IN ('Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import') AND phase = ''
      ORDER BY ts`,
    query_params: {
      stations: [...new Set(sessions.map((s) => s.identity))],
      from: clickHouseTime(new Date(from)),
      to: clickHouseTime(new Date(to)),
      sessionIds: sessions.map((s) => s.id),
      transactionIds: [...new Set(sessions.map((s) => s.transactionId))],
    },
    format: 'JSONCompactEachRow',
  });
  return result.json<FoundRow>();
}

/** Pure: warehouse rows to pricing readings (see sessionReadings). */
export function readingsFrom(
  rows: { ms: string | number; measurand: string; value: number }[],
  s: SessionFacts,
): SessionTimeline['readings'] {
  const start = s.startedAt.getTime();
  const stop = s.stoppedAt.getTime();
  const final = s.energyWh;
  const byTime = new Map<number, { at: Date; energyWh?: number; powerW?: number; currentA?: number }>();
  for (const row of rows) {
    const ms = Math.min(stop, Math.max(start, Number(row.ms)));
    const reading = byTime.get(ms) ?? { at: new Date(ms) };
    if (row.measurand === 'Energy.Active.Import.Register' && s.meterStartWh !== null) reading.energyWh = row.value - s.meterStartWh;
    else if (row.measurand === 'Power.Active.Import') reading.powerW = row.value;
    else if (row.measurand === 'Current.Import') reading.currentA = row.value;
    byTime.set(ms, reading);
  }
  const readings: SessionTimeline['readings'] = [{ at: s.startedAt, energyWh: 0 }];
  let energy = 0;
  for (const [ms, r] of [...byTime].sort((a, b) => a[0] - b[0])) {
    // A register that falls (a reset, a glitch) or passes the stop reading is held where it was.
    if (r.energyWh !== undefined && Number.isFinite(r.energyWh)) energy = Math.max(energy, Math.min(r.energyWh, final ?? r.energyWh));
    const reading = {
      at: new Date(ms),
      energyWh: energy,
      ...(r.powerW === undefined ? {} : { powerW: r.powerW }),
      ...(r.currentA === undefined ? {} : { currentA: r.currentA }),
    };
    if (ms === start) readings[0] = reading;
    else readings.push(reading);
  }
  const last = readings.at(-1);
  const end = { at: s.stoppedAt, energyWh: Math.max(energy, final ?? energy) };
  if (last && last.at.getTime() === stop) last.energyWh = end.energyWh;
  else readings.push(end);
  return readings;
}

/**
 * When the EV was charging, for each session, in one query: from the connector's StatusNotifications during the
 * session (Charging is charging; SuspendedEV, SuspendedEVSE, Finishing and the rest are not), the one in force at
 * its start first. Null when the station reported no status at all: the whole session then counts as charging time.
 */
export async function sessionsCharging(orm: Orm, sessions: SessionFacts[]): Promise<Map<string, SessionTimeline['charging']>> {
  const statuses = new Map<string, { status: string; at: Date }[]>(sessions.map((s) => [s.id, []]));
  if (sessions.length > 0) {
    const at = 'coalesce(se.station_timestamp, se.received_at)';
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<{ session_id: string; status: string; at: Date }[]>(
        `select s.id as session_id, e.status, e.at
         from unnest(array[?]::uuid[], array[?]::uuid[], array[?]::int[], array[?]::timestamptz[], array[?]::timestamptz[])
           as s (id, station_id, connector_id, started_at, stopped_at)
         cross join lateral (
           (select 0 as part, se.id, se.status, ${at} as at from status_event se
             where se.station_id = s.station_id and se.connector_id = s.connector_id and ${at} <= s.started_at
             order by ${at} desc limit 1)
           union all
           (select 1, se.id, se.status, ${at} from status_event se
             where se.station_id = s.station_id and se.connector_id = s.connector_id and ${at} > s.started_at and ${at} < s.stopped_at)
         ) e
         order by s.id, e.part, e.at, e.id`,
        [
          sessions.map((s) => s.id),
          sessions.map((s) => s.stationId),
          sessions.map((s) => s.connectorId),
          sessions.map((s) => s.startedAt.toISOString()),
          sessions.map((s) => s.stoppedAt.toISOString()),
        ],
      );
    for (const row of rows) statuses.get(row.session_id)?.push({ status: row.status, at: new Date(row.at) });
  }
  return new Map(sessions.map((s) => [s.id, intervalsFrom(statuses.get(s.id) ?? [], s.startedAt, s.stoppedAt)]));
}

/** Pure: status changes (the one in force at the start first) to charging intervals within [start, stop). */
export function intervalsFrom(rows: { status: string; at: Date }[], start: Date, stop: Date): SessionTimeline['charging'] {
  // No status within the session: nothing says when it stopped charging; it all counts as charging.
  if (!rows.some((r) => r.at.getTime() > start.getTime())) return null;
  const intervals: { from: Date; to: Date }[] = [];
  let since: Date | null = null;
  // Before any status inside the session, a session that just started is taken to be charging.
  const first = rows[0];
  const startsCharging = !first || first.at.getTime() > start.getTime() || first.status === 'Charging' || first.status === 'Preparing';
  if (startsCharging) since = start;
  for (const row of rows) {
    const at = new Date(Math.max(row.at.getTime(), start.getTime()));
    if (at.getTime() <= start.getTime() && row !== first) continue;
    const charging = row.status === 'Charging';
    if (charging && since === null) since = at;
    if (!charging && since !== null && at.getTime() > start.getTime()) {
      if (at > since) intervals.push({ from: since, to: at });
      since = null;
    }
  }
  if (since !== null && stop > since) intervals.push({ from: since, to: stop });
  return intervals;
}
