import type { Warehouse } from '../warehouse/client.js';
import { ask } from './run.js';
import { AnalyticsError, checkWindow, clickHouseTime, type Scope, scopeCondition, type Window } from './scope.js';

export interface PortUptime {
  station: string;
  connectorId: number;
  outageMinutes: number;
  excludedMinutes: number;
  periodMinutes: number;
  /** ((period − (outage − excluded)) / period) × 100: 23 CFR 680.116(b), over 525,600 minutes for the previous 12 months. */
  uptimePercent: number;
}

export const uptimeRules = ['NEVI', 'CALIFORNIA'] as const;
/**
 * Whose uptime: NEVI's (23 CFR 680.116(b)), every exclusion the operator recorded counted in full; or the California
 * Energy Commission's (its EV charger reliability standards), which excludes grid power loss, vandalism (at most
 * 10 days an incident) and planned maintenance (at most 72 hours a port a year), and not hours outside operation.
 */
export type UptimeRule = (typeof uptimeRules)[number];

/** The excluded milliseconds of each port under a rule, from the overlaps of its outages with the exclusions. */
const excludedBy: Record<UptimeRule, string> = {
  NEVI: `SELECT station, connector_id, sum(ms) AS ms FROM excluded_each GROUP BY station, connector_id`,
  CALIFORNIA: `SELECT station, connector_id, sum(ms) AS ms FROM
    (
      SELECT station, connector_id, cause, year,
        if(cause = 'planned-maintenance', least(sum(ms), 72 * 3600000), sum(if(cause = 'vandalism', least(ms, 10 * 86400000), ms))) AS ms
      FROM excluded_each WHERE cause IN ('utility-outage', 'vandalism', 'planned-maintenance')
      GROUP BY station, connector_id, cause, year
    )
    GROUP BY station, connector_id`,
};

/** The previous 12 months as NEVI counts them: 525,600 minutes up to now. */
export const previousYear = (now = new Date()) => ({ from: new Date(now.getTime() - 525_600 * 60_000), to: now });

/**
 * The outage periods of every port in scope, merged (a port is out when it is Faulted, Unavailable without the
 * operator having asked, or its station is offline, or its station's connector 0 is Faulted or Unavailable so),
 * clipped to the window, with the minutes of them the operator's exclusions cover. Exclusions of one station
 * never overlap (analytics/exclusions.ts), so each excluded minute counts once. Without FINAL: an interval's
 * versions differ only in its end (and whose Unavailable it was), never in its status, so the rows that can be
 * outages are picked first and only those are folded to their latest version (a few percent of all intervals).
 */
export const portOutages = (scope: Scope, rule: UptimeRule = 'NEVI') => `
  WITH toDateTime64({from:String}, 3, 'UTC') AS f, toDateTime64({to:String}, 3, 'UTC') AS t,
  ports AS (
    SELECT DISTINCT station, connector_id FROM {db}.status_intervals
    WHERE ${scopeCondition(scope).sql} AND kind = 'status' AND connector_id > 0 AND started_at < t
  ),
  down AS (
    SELECT station, connector_id, kind, started_at, any(status) AS state,
      argMax(tuple(ended_at, operator_set), version) AS latest, latest.1 AS ends, latest.2 AS asked
    FROM {db}.status_intervals
    WHERE ${scopeCondition(scope).sql} AND (kind = 'offline' OR status IN ('Faulted', 'Unavailable')) AND started_at < t
    GROUP BY station, connector_id, kind, started_at
    HAVING (state != 'Unavailable' OR asked = 0) AND coalesce(ends, now64(3)) > f
  ),
  outage AS (
    SELECT station, connector_id, greatest(started_at, f) AS s, least(coalesce(ends, now64(3)), t) AS e
    FROM down WHERE kind = 'status' AND connector_id > 0
    UNION ALL
    SELECT p.station, p.connector_id, greatest(d.started_at, f), least(coalesce(d.ends, now64(3)), t)
    FROM down AS d INNER JOIN ports AS p ON p.station = d.station
    WHERE d.connector_id = 0
  ),
  ordered AS (
    SELECT station, connector_id, s, e,
      max(e) OVER (PARTITION BY station, connector_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM outage WHERE e > s
  ),
  islands AS (
    SELECT station, connector_id, s, e,
      sum(if(s > before, 1, 0)) OVER (PARTITION BY station, connector_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
    FROM ordered
  ),
  merged AS (
    SELECT station, connector_id, island, min(s) AS s, max(e) AS e FROM islands GROUP BY station, connector_id, island
  ),
  excluded_each AS (
    SELECT m.station AS station, m.connector_id AS connector_id, x.exclusion_id AS exclusion_id, x.cause AS cause,
      toYear(x.started_at) AS year,
      sum(greatest(0, dateDiff('millisecond', greatest(m.s, x.started_at), least(m.e, x.ended_at)))) AS ms
    FROM merged AS m INNER JOIN {db}.exclusion_facts AS x ON x.station = m.station
    WHERE x.connector_id IN (0, m.connector_id) AND x.started_at < m.e AND x.ended_at > m.s
    GROUP BY station, connector_id, exclusion_id, cause, year
  ),
  excluded AS (${excludedBy[rule]}),
  per_port AS (
    SELECT p.station AS station, p.connector_id AS connector_id,
      coalesce(o.ms, 0) / 60000 AS outage_minutes, coalesce(x.ms, 0) / 60000 AS excluded_minutes,
      dateDiff('millisecond', f, t) / 60000 AS period_minutes,
      (period_minutes - (outage_minutes - excluded_minutes)) / period_minutes * 100 AS uptime
    FROM ports AS p
    LEFT JOIN (SELECT station, connector_id, sum(dateDiff('millisecond', s, e)) AS ms FROM merged GROUP BY station, connector_id) AS o
      ON o.station = p.station AND o.connector_id = p.connector_id
    LEFT JOIN excluded AS x ON x.station = p.station AND x.connector_id = p.connector_id
  )`;

/** Uptime per port of the scope, worst first, at most `first` ports. */
export async function uptime(
  warehouse: Warehouse,
  scope: Scope,
  window: Omit<Window, 'timeZone'>,
  first = 100,
  rule: UptimeRule = 'NEVI',
): Promise<PortUptime[]> {
  checkWindow({ ...window, timeZone: 'UTC' }, undefined, 366 * 86_400_000);
  if (!uptimeRules.includes(rule)) throw new AnalyticsError(`rule: expected one of ${uptimeRules.join(', ')}`, 'rule');
  const where = scopeCondition(scope);
  const answer = await ask<{
    station: string;
    connector_id: number;
    outage_minutes: number;
    excluded_minutes: number;
    period_minutes: number;
    uptime: number;
  }>(
    warehouse,
    `${portOutages(scope, rule)}
     SELECT * FROM per_port ORDER BY uptime, station, connector_id LIMIT {first:UInt32}`,
    { ...where.params, from: clickHouseTime(window.from), to: clickHouseTime(window.to), first },
  );
  return answer.data.map((r) => ({
    station: r.station,
    connectorId: Number(r.connector_id),
    outageMinutes: Number(r.outage_minutes),
    excludedMinutes: Number(r.excluded_minutes),
    periodMinutes: Number(r.period_minutes),
    uptimePercent: Number(r.uptime),
  }));
}
