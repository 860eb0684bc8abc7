import { ask } from '../analytics/run.js';
import { clickHouseTime, type Scope, scopeCondition } from '../analytics/scope.js';
import { portOutages } from '../analytics/uptime.js';
import type { Warehouse } from '../warehouse/client.js';

// The warehouse questions reports ask beyond the API's (analytics/): each one query, every figure computed by
// ClickHouse, over the ports' outages as analytics/uptime.ts merges them (23 CFR 680.116).

export interface Period {
  from: Date;
  to: Date;
}

const paramsOf = (scope: Scope, period: Period, extra: Record<string, unknown> = {}) => ({
  ...scopeCondition(scope).params,
  from: clickHouseTime(period.from),
  to: clickHouseTime(period.to),
  ...extra,
});

const hours = `hour >= toStartOfHour(f) AND hour < t`;

export interface UptimeSummary {
  ports: number;
  meanUptime: number | null;
  worstUptime: number | null;
  /** Ports at or above NEVI's 97 %. */
  portsMeetingTarget: number;
  outageMinutes: number;
  excludedMinutes: number;
}

/** The uptime of the scope's ports over the period, in one row. */
export async function uptimeSummary(warehouse: Warehouse, scope: Scope, period: Period): Promise<UptimeSummary> {
  const answer = await ask<Record<string, number>>(
    warehouse,
    `${portOutages(scope)}
     SELECT count() AS ports, if(ports > 0, avg(uptime), NULL) AS mean_uptime, if(ports > 0, min(uptime), NULL) AS worst_uptime,
            countIf(uptime >= 97) AS meeting, sum(outage_minutes) AS outage, sum(excluded_minutes) AS excluded
     FROM per_port`,
    paramsOf(scope, period),
  );
  const r = answer.data[0] ?? {};
  const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ports: Number(r.ports ?? 0),
    meanUptime: orNull(r.mean_uptime),
    worstUptime: orNull(r.worst_uptime),
    portsMeetingTarget: Number(r.meeting ?? 0),
    outageMinutes: Number(r.outage ?? 0),
    excludedMinutes: Number(r.excluded ?? 0),
  };
}

export interface StationHealth {
  station: string;
  uptime: number;
  sessions: number;
  successRate: number | null;
  faults: number;
  /** 0.7 × mean port uptime (%) + 0.3 × success rate (%, 100 without sessions): 100 is a station that never failed. */
  score: number;
}

/** The `first` least healthy stations of the scope over the period, worst first. */
export async function stationHealth(warehouse: Warehouse, scope: Scope, period: Period, first: number): Promise<StationHealth[]> {
  const where = scopeCondition(scope).sql;
  const answer = await ask<Record<string, number | string | null>>(
    warehouse,
    `${portOutages(scope)},
     up AS (SELECT station, avg(uptime) AS uptime FROM per_port GROUP BY station),
     sess AS (
       SELECT station, countIf(started_in_hour = 1) AS sessions, countIf(started_in_hour = 1 AND success = 1) AS successful
       FROM {db}.session_hours FINAL WHERE ${where} AND ${hours} GROUP BY station
     ),
     faults AS (
       SELECT station, count() AS faults FROM {db}.status_intervals FINAL
       WHERE ${where} AND kind = 'status' AND status = 'Faulted' AND started_at >= f AND started_at < t GROUP BY station
     )
     SELECT up.station AS station, up.uptime AS uptime, s.sessions AS sessions,
            if(s.sessions > 0, s.successful / s.sessions, NULL) AS success_rate, x.faults AS faults,
            round(0.7 * up.uptime + 30 * if(s.sessions > 0, s.successful / s.sessions, 1), 1) AS score
     FROM up LEFT JOIN sess AS s ON s.station = up.station LEFT JOIN faults AS x ON x.station = up.station
     ORDER BY score, station LIMIT {first:UInt32}`,
    paramsOf(scope, period, { first }),
  );
  return answer.data.map((r) => ({
    station: String(r.station),
    uptime: Number(r.uptime),
    sessions: Number(r.sessions ?? 0),
    successRate: r.success_rate === null ? null : Number(r.success_rate),
    faults: Number(r.faults ?? 0),
    score: Number(r.score),
  }));
}

export interface NeviPort {
  station: string;
  connectorId: number;
  sessions: number;
  successfulSessions: number;
  energyWh: number;
  faults: number;
  errorCodes: string;
  outageMinutes: number;
  excludedMinutes: number;
  periodMinutes: number;
  uptimePercent: number;
}

/** Every port of the scope over the period: sessions started, faults and their codes, outage and excluded minutes, uptime. */
export async function neviPorts(warehouse: Warehouse, scope: Scope, period: Period): Promise<NeviPort[]> {
  const where = scopeCondition(scope).sql;
  const answer = await ask<Record<string, number | string>>(
    warehouse,
    `${portOutages(scope)},
     sess AS (
       SELECT station, connector_id, count() AS sessions, countIf(success = 1) AS successful, sum(energy_wh) AS energy_wh
       FROM {db}.sessions FINAL WHERE ${where} AND started_at >= f AND started_at < t GROUP BY station, connector_id
     ),
     errs AS (
       SELECT station, connector_id, count() AS faults, arrayStringConcat(arraySort(groupUniqArray(error_code)), ' ') AS codes
       FROM {db}.status_intervals FINAL
       WHERE ${where} AND kind = 'status' AND connector_id > 0 AND status = 'Faulted' AND started_at >= f AND started_at < t
       GROUP BY station, connector_id
     )
     SELECT p.station AS station, p.connector_id AS connector_id, s.sessions AS sessions, s.successful AS successful,
            s.energy_wh AS energy_wh, e.faults AS faults, e.codes AS codes, p.outage_minutes AS outage_minutes,
            p.excluded_minutes AS excluded_minutes, p.period_minutes AS period_minutes, p.uptime AS uptime
     FROM per_port AS p
     LEFT JOIN sess AS s ON s.station = p.station AND s.connector_id = p.connector_id
     LEFT JOIN errs AS e ON e.station = p.station AND e.connector_id = p.connector_id
     ORDER BY station, connector_id LIMIT 100000`,
    paramsOf(scope, period),
  );
  return answer.data.map((r) => ({
    station: String(r.station),
    connectorId: Number(r.connector_id),
    sessions: Number(r.sessions ?? 0),
    successfulSessions: Number(r.successful ?? 0),
    energyWh: Number(r.energy_wh ?? 0),
    faults: Number(r.faults ?? 0),
    errorCodes: String(r.codes ?? ''),
    outageMinutes: Number(r.outage_minutes),
    excludedMinutes: Number(r.excluded_minutes),
    periodMinutes: Number(r.period_minutes),
    uptimePercent: Number(r.uptime),
  }));
}
