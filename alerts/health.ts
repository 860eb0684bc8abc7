/**
 * A station's health, 0 to 100, as one SQL expression over the station row `s` (so a list can be ordered by
 * it): 100, less each unresolved alert by severity (critical 40, major 25, minor 10, warning 5), less up to
 * 20 for the share of its sessions ended in the last 7 days that failed (no energy, or flagged as an anomaly).
 */
export const healthSql = (s = 's') => `greatest(0, least(100, 100
  - coalesce((select sum(case a.severity when 'critical' then 40 when 'major' then 25 when 'minor' then 10 else 5 end)
      from alert a where a.station_id = ${s}.id and a.state <> 'resolved'), 0)
  - coalesce((select round(20.0 * count(*) filter (where t.energy_wh is null or t.energy_wh <= 0 or t.flags <> '[]'::jsonb)
      / nullif(count(*), 0)) from charging_session t
      where t.station_id = ${s}.id and t.state = 'Completed' and t.started_at > now() - interval '7 days'), 0)))::int`;
