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

/**
 * The readings of a session from the warehouse: energy relative to its start, clamped so that it never
 * falls and ends at the session's energy, with the power and current reported with it; the start and the
 * stop alone when the station sent no samples.
 */
export async function sessionReadings(warehouse: Warehouse, s: SessionFacts): Promise<SessionTimeline['readings']> {
  const result = await warehouse.client.query({
    query: `
      SELECT toUnixTimestamp64Milli(ts) AS ms, measurand, value
      FROM ${warehouse.table('meter_values')} FINAL
      WHERE station = {station:String} AND connector_id = {connectorId:UInt16}
        AND ts >= {from:DateTime64(3, 'UTC')} AND ts <= {to:DateTime64(3, 'UTC')}
        AND (session_id = {sessionId:UUID} OR (session_id IS NULL AND transaction_id = {transactionId:String}))
        AND measurand IN ('Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import') AND phase = ''
      ORDER BY ts`,
    query_params: {
      station: s.identity,
      connectorId: s.connectorId,
      from: clickHouseTime(new Date(s.startedAt.getTime() - day)),
      to: clickHouseTime(new Date(s.stoppedAt.getTime() + day)),
      sessionId: s.id,
      transactionId: s.transactionId,
    },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ ms: string | number; measurand: string; value: number }>();
  return readingsFrom(rows, s);
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
 * When the EV was charging, from the connector's StatusNotifications during the session (Charging is
 * charging; SuspendedEV, SuspendedEVSE, Finishing and the rest are not). Null when the station reported no
 * status at all: the whole session then counts as charging time.
 */
export async function chargingIntervals(orm: Orm, s: SessionFacts): Promise<SessionTimeline['charging']> {
  const sql = orm.em.fork().getConnection();
  const rows = await sql.execute<{ status: string; at: Date }[]>(
    `(select status, coalesce(station_timestamp, received_at) as at from status_event
        where station_id = ? and connector_id = ? and coalesce(station_timestamp, received_at) <= ?
        order by coalesce(station_timestamp, received_at) desc limit 1)
     union all
     (select status, coalesce(station_timestamp, received_at) as at from status_event
        where station_id = ? and connector_id = ? and coalesce(station_timestamp, received_at) > ? and coalesce(station_timestamp, received_at) < ?
        order by coalesce(station_timestamp, received_at))`,
    [s.stationId, s.connectorId, s.startedAt, s.stationId, s.connectorId, s.startedAt, s.stoppedAt],
  );
  return intervalsFrom(
    rows.map((r) => ({ status: r.status, at: new Date(r.at) })),
    s.startedAt,
    s.stoppedAt,
  );
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
