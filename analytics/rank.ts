import type { Warehouse } from '../warehouse/client.js';
import { ask } from './run.js';
import { AnalyticsError, checkWindow, clickHouseTime, type Scope, scopeCondition, type Window } from './scope.js';
import { portOutages } from './uptime.js';

export const rankMetrics = ['ENERGY', 'SESSIONS', 'UNIQUE_DRIVERS', 'SUCCESS_RATE', 'OCCUPIED_SHARE', 'UPTIME'] as const;
export type RankMetric = (typeof rankMetrics)[number];

export interface Ranked {
  station: string;
  value: number;
}

const hours = `hour >= toStartOfHour(toDateTime64({from:String}, 3, 'UTC')) AND hour < toDateTime64({to:String}, 3, 'UTC')`;

/** The SQL giving (station, value) for a metric. */
function metricQuery(metric: RankMetric, scope: Scope): string {
  const where = scopeCondition(scope).sql;
  const fromSessions = (value: string) =>
    `SELECT station, ${value} AS value FROM {db}.session_hours FINAL WHERE ${where} AND ${hours} GROUP BY station`;
  switch (metric) {
    case 'ENERGY':
      return fromSessions('sum(energy_wh)');
    case 'SESSIONS':
      return fromSessions('countIf(started_in_hour = 1)');
    case 'UNIQUE_DRIVERS':
      return fromSessions('uniqExactIf(driver, started_in_hour = 1)');
    case 'SUCCESS_RATE':
      return `${fromSessions('countIf(started_in_hour = 1 AND success = 1) / countIf(started_in_hour = 1)')} HAVING countIf(started_in_hour = 1) > 0`;
    case 'OCCUPIED_SHARE':
      return `SELECT station, sum(occupied_s) / sum(seconds) AS value FROM {db}.status_hours FINAL
              WHERE ${where} AND kind = 'status' AND connector_id > 0 AND ${hours} GROUP BY station HAVING sum(seconds) > 0`;
    case 'UPTIME':
      return `${portOutages(scope)} SELECT station, avg(uptime) AS value FROM per_port GROUP BY station`;
  }
}

/** The top (DESC) or bottom (ASC) `first` stations of the scope on a metric over the window (UPTIME: the mean of their ports'). */
export async function rankStations(
  warehouse: Warehouse,
  scope: Scope,
  window: Omit<Window, 'timeZone'>,
  metric: RankMetric,
  order: 'ASC' | 'DESC',
  first: number,
): Promise<Ranked[]> {
  if (!rankMetrics.includes(metric)) throw new AnalyticsError(`metric: expected one of ${rankMetrics.join(', ')}`, 'metric');
  if (order !== 'ASC' && order !== 'DESC') throw new AnalyticsError('order: expected ASC or DESC', 'order');
  if (!Number.isInteger(first) || first < 1 || first > 1000) throw new AnalyticsError('first: expected 1 to 1000', 'first');
  checkWindow({ ...window, timeZone: 'UTC' }, undefined, metric === 'UPTIME' ? 366 * 86_400_000 : 732 * 86_400_000);
  const answer = await ask<Ranked>(
    warehouse,
    `SELECT station, value FROM (${metricQuery(metric, scope)}) ORDER BY value ${order}, station LIMIT {first:UInt32}`,
    { ...scopeCondition(scope).params, from: clickHouseTime(window.from), to: clickHouseTime(window.to), first },
  );
  return answer.data.map((r) => ({ station: r.station, value: Number(r.value) }));
}
