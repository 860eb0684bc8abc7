import type { Warehouse } from '../warehouse/client.js';
import { ask, share } from './run.js';
import { checkWindow, clickHouseTime, type Scope, scopeCondition, type Window } from './scope.js';

export interface HeatCell {
  /** ISO weekday: 1 Monday to 7 Sunday, in the window's time zone. */
  weekday: number;
  hour: number;
  /** Sessions under way in that hour (a session from 23:30 to 00:30 counts in both hours). */
  sessions: number;
  energyWh: number;
  occupiedShare: number | null;
}

/** Weekday × hour of day: at most 168 cells, those with anything in them. */
export async function heatmap(warehouse: Warehouse, scope: Scope, window: Window): Promise<HeatCell[]> {
  checkWindow(window, undefined, 732 * 86_400_000);
  const where = scopeCondition(scope);
  const params = { ...where.params, tz: window.timeZone, from: clickHouseTime(window.from), to: clickHouseTime(window.to) };
  const hours = `hour >= toStartOfHour(toDateTime64({from:String}, 3, 'UTC')) AND hour < toDateTime64({to:String}, 3, 'UTC')`;
  const cell = `toDayOfWeek(hour, 0, {tz:String}) AS weekday, toHour(hour, {tz:String}) AS hour_of_day`;
  const [sessions, status] = await Promise.all([
    ask<{ weekday: number; hour_of_day: number; sessions: number; energy_wh: number }>(
      warehouse,
      `SELECT ${cell}, count() AS sessions, sum(energy_wh) AS energy_wh
       FROM {db}.session_hours FINAL WHERE ${where.sql} AND ${hours} GROUP BY weekday, hour_of_day`,
      params,
    ),
    ask<{ weekday: number; hour_of_day: number; occupied_s: number; seconds: number }>(
      warehouse,
      `SELECT ${cell}, sum(occupied_s) AS occupied_s, sum(seconds) AS seconds
       FROM {db}.status_hours FINAL WHERE ${where.sql} AND kind = 'status' AND connector_id > 0 AND ${hours}
       GROUP BY weekday, hour_of_day`,
      params,
    ),
  ]);
  const cells = new Map<number, HeatCell>();
  const cellOf = (weekday: number, hour: number) => {
    const key = weekday * 24 + hour;
    let c = cells.get(key);
    if (!c) {
      c = { weekday, hour, sessions: 0, energyWh: 0, occupiedShare: null };
      cells.set(key, c);
    }
    return c;
  };
  for (const r of sessions.data) {
    const c = cellOf(Number(r.weekday), Number(r.hour_of_day));
    c.sessions = Number(r.sessions);
    c.energyWh = Math.round(Number(r.energy_wh));
  }
  for (const r of status.data)
    cellOf(Number(r.weekday), Number(r.hour_of_day)).occupiedShare = share(Number(r.occupied_s), Number(r.seconds));
  return [...cells.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
}
