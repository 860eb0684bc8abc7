import type { Orm } from '../database/orm.js';
import type { ReportQueue } from './queue.js';

/**
 * The scheduled reports due at `now`: for every organisation with a station, the monthly operator report of the
 * previous calendar month and the station-health report of the previous ISO week, in the zone most of its sites are
 * in, as PDF. Each is one row per (organisation, kind, period start) (`schedule_key` is unique), so a schedule run
 * twice, or by two nodes at once, makes one report; its job id is the report's, so queueing it again adds nothing.
 * Reports still queued after 10 minutes (asked for or scheduled, lost by a Redis hiccup between the insert and the
 * queue) are queued again.
 * Returns the ids of the reports made by this call.
 */
export async function scheduleReports(deps: { orm: Orm; queue: ReportQueue }, now = new Date()): Promise<string[]> {
  const db = deps.orm.em.fork().getConnection();
  const made = await db.execute<{ id: string }[]>(
    `with orgs as (
       select o.id, coalesce((select time_zone from site where organisation_id = o.id group by time_zone
                              order by count(*) desc, time_zone limit 1), 'UTC') as tz
       from organisation o where exists (select 1 from station s where s.organisation_id = o.id)
     ),
     periods as (
       select id, tz, 'MONTHLY_OPERATOR' as kind, date_trunc('month', ?::timestamptz at time zone tz) - interval '1 month' as f,
              date_trunc('month', ?::timestamptz at time zone tz) as t from orgs
       union all
       select id, tz, 'WEEKLY_STATION_HEALTH', date_trunc('week', ?::timestamptz at time zone tz) - interval '1 week',
              date_trunc('week', ?::timestamptz at time zone tz) from orgs
     )
     insert into report (id, organisation_id, kind, format, scope_kind, scope_id, time_zone, period_from, period_to,
                         schedule_key, requested_by, created_at)
     select gen_random_uuid(), id, kind, 'PDF', 'organisation', id::text, tz, f at time zone tz, t at time zone tz,
            id || ':' || kind || ':' || to_char(f, 'YYYY-MM-DD'), 'schedule', now()
     from periods
     on conflict (schedule_key) do nothing
     returning id`,
    [now, now, now, now],
  );
  const waiting = await db.execute<{ id: string }[]>(
    `select id from report where state = 'queued' and created_at < now() - interval '10 minutes' order by created_at limit 1000`,
  );
  for (const { id } of [...made, ...waiting]) await deps.queue.add(id);
  return made.map((r) => r.id);
}
