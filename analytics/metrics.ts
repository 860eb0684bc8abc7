import type { Warehouse } from '../warehouse/client.js';
import { ask, share } from './run.js';
import { bucketOf, checkWindow, clickHouseTime, type Granularity, type Scope, scopeCondition, type Window } from './scope.js';

export interface Money {
  currency: string;
  amountMinor: number;
}

export interface Figures {
  energyWh: number;
  sessions: number;
  uniqueDrivers: number;
  revenue: Money[];
  /** Share of the connectors' reported time they were occupied (a car plugged in), and charging. */
  occupiedShare: number | null;
  chargingShare: number | null;
  /** Sessions that delivered energy and ended normally, over sessions started. */
  successRate: number | null;
  peakPowerW: number | null;
  /** Energy over the time spent charging. */
  averagePowerW: number | null;
}

export interface Bucket extends Figures {
  start: Date;
}

export interface Analytics {
  granularity: Granularity;
  timeZone: string;
  buckets: Bucket[];
  totals: Figures;
}

interface SessionFigures {
  bucket: number;
  energy_wh: number;
  sessions: number;
  unique_drivers: number;
  successful: number;
}
interface StatusFigures {
  bucket: number;
  occupied_s: number;
  charging_s: number;
  seconds: number;
}
interface PowerFigures {
  bucket: number;
  peak_w: number;
}
interface RevenueFigures {
  bucket: number;
  currency: string;
  revenue_minor: number;
}

const empty = (): Figures => ({
  energyWh: 0,
  sessions: 0,
  uniqueDrivers: 0,
  revenue: [],
  occupiedShare: null,
  chargingShare: null,
  successRate: null,
  peakPowerW: null,
  averagePowerW: null,
});

function figuresOf(
  s: SessionFigures | undefined,
  t: StatusFigures | undefined,
  p: PowerFigures | undefined,
  revenue: RevenueFigures[],
): Figures {
  const energyWh = Number(s?.energy_wh ?? 0);
  const chargingSeconds = Number(t?.charging_s ?? 0);
  return {
    energyWh: Math.round(energyWh),
    sessions: Number(s?.sessions ?? 0),
    uniqueDrivers: Number(s?.unique_drivers ?? 0),
    revenue: revenue.map((r) => ({ currency: r.currency, amountMinor: Number(r.revenue_minor) })),
    occupiedShare: share(Number(t?.occupied_s ?? 0), Number(t?.seconds ?? 0)),
    chargingShare: share(chargingSeconds, Number(t?.seconds ?? 0)),
    successRate: share(Number(s?.successful ?? 0), Number(s?.sessions ?? 0)),
    peakPowerW: p && Number(p.peak_w) > 0 ? Number(p.peak_w) : null,
    averagePowerW: chargingSeconds > 0 ? Math.round((energyWh * 3600) / chargingSeconds) : null,
  };
}

/**
 * Energy, sessions, drivers, revenue, utilisation, success and power of a scope over a window, per bucket of the
 * granularity in the window's time zone, and in total; every figure is computed by the warehouse. A session counts
 * in each hour it overlaps for energy (its share) and in the hour it started for sessions, drivers and success.
 */
export async function analytics(warehouse: Warehouse, scope: Scope, window: Window, granularity: Granularity): Promise<Analytics> {
  checkWindow(window, granularity);
  const where = scopeCondition(scope);
  const params = { ...where.params, tz: window.timeZone, from: clickHouseTime(window.from), to: clickHouseTime(window.to) };
  const hours = `hour >= toStartOfHour(toDateTime64({from:String}, 3, 'UTC')) AND hour < toDateTime64({to:String}, 3, 'UTC')`;
  const bucket = (column: string) => `toUnixTimestamp(${bucketOf(column, granularity)})`;
  const [sessions, status, power, revenue] = await Promise.all([
    ask<SessionFigures>(
      warehouse,
      `SELECT ${bucket('hour')} AS bucket, sum(energy_wh) AS energy_wh, countIf(started_in_hour = 1) AS sessions,
              uniqExactIf(driver, started_in_hour = 1) AS unique_drivers, countIf(started_in_hour = 1 AND success = 1) AS successful
       FROM {db}.session_hours FINAL WHERE ${where.sql} AND ${hours}
       GROUP BY GROUPING SETS ((bucket), ()) ORDER BY bucket`,
      params,
    ),
    ask<StatusFigures>(
      warehouse,
      `SELECT ${bucket('hour')} AS bucket, sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(seconds) AS seconds
       FROM {db}.status_hours FINAL WHERE ${where.sql} AND kind = 'status' AND connector_id > 0 AND ${hours}
       GROUP BY GROUPING SETS ((bucket), ()) ORDER BY bucket`,
      params,
    ),
    ask<PowerFigures>(
      warehouse,
      `SELECT ${bucket('hour')} AS bucket, max(peak_w) AS peak_w
       FROM {db}.power_hours
       WHERE ${hours}
         ${scope.kind === 'network' ? '' : `AND station IN (SELECT DISTINCT station FROM {db}.status_intervals WHERE ${where.sql})`}
       GROUP BY GROUPING SETS ((bucket), ()) ORDER BY bucket`,
      params,
    ),
    ask<RevenueFigures>(
      warehouse,
      `SELECT ${bucket('toDateTime(started_at)')} AS bucket, currency, sum(revenue_minor) AS revenue_minor
       FROM {db}.sessions FINAL
       WHERE ${where.sql} AND currency != '' AND started_at >= toDateTime64({from:String}, 3, 'UTC') AND started_at < toDateTime64({to:String}, 3, 'UTC')
       GROUP BY GROUPING SETS ((bucket, currency), (currency)) ORDER BY bucket, currency`,
      params,
    ),
  ]);
  // With GROUPING SETS, the rows of the () and (currency) sets carry the default bucket, 0: the totals.
  const [sessionRows, statusRows, powerRows, revenueRows] = [sessions, status, power, revenue].map((a) =>
    (a.data as Array<{ bucket: number }>).filter((r) => Number(r.bucket) !== 0),
  ) as [SessionFigures[], StatusFigures[], PowerFigures[], RevenueFigures[]];
  const totalOf = <T extends { bucket: number }>(rows: T[]) => rows.find((r) => Number(r.bucket) === 0);
  const starts = [...new Set([...sessionRows, ...statusRows, ...powerRows, ...revenueRows].map((r) => Number(r.bucket)))].sort(
    (a, b) => a - b,
  );
  const at = <T extends { bucket: number }>(rows: T[], b: number) => rows.find((r) => Number(r.bucket) === b);
  const buckets = starts.map((b) => ({
    start: new Date(b * 1000),
    ...figuresOf(
      at(sessionRows, b),
      at(statusRows, b),
      at(powerRows, b),
      revenueRows.filter((r) => Number(r.bucket) === b),
    ),
  }));
  const totals = starts.length
    ? figuresOf(
        totalOf(sessions.data),
        totalOf(status.data),
        totalOf(power.data),
        revenue.data.filter((r) => Number(r.bucket) === 0),
      )
    : empty();
  return { granularity, timeZone: window.timeZone, buckets, totals };
}
