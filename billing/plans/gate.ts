import type { Orm } from '../../database/orm.js';
import { coveringPeriod } from './hooks.js';

/** What a driver's plan says about a start at a station: a refusal for its limits, and whether it pays. */
export interface PlanCheck {
  refusal: string | null;
  /** The plan has included energy left for a session here: the wallet minimum does not apply. */
  pays: boolean;
}

interface GateRow {
  name: string;
  max_sessions_per_day: number | null;
  left_wh: string;
  today: string;
}

/** A plan's limits, pure: its sessions a day (those started today, the site's day) are used up. */
export function limitRefusal(plan: { name: string; maxSessionsPerDay: number | null }, startedToday: number): string | null {
  if (plan.maxSessionsPerDay !== null && startedToday >= plan.maxSessionsPerDay) {
    return `plan "${plan.name}" allows ${plan.maxSessionsPerDay} session(s) a day; ${startedToday} started today`;
  }
  return null;
}

/**
 * Plans at Authorize and StartTransaction (billing/money-gate.ts asks): a driver whose plan covers the station is
 * refused once its sessions a day are used up (today in the site's time zone, sessions with the operator), and
 * passes the wallet minimum while the plan has included energy left. Decided fresh at every request.
 */
export class PlanGate {
  constructor(private readonly deps: { orm: Orm }) {}

  async check(ownerId: string, stationId: string, now = new Date()): Promise<PlanCheck> {
    const [row] = await this.deps.orm.em.fork().execute<GateRow[]>(
      `select p.name, p.max_sessions_per_day, u.included_wh - u.used_wh as left_wh,
         case when p.max_sessions_per_day is null then 0 else (
           select count(*) from charging_session t join id_token k on k.id = t.id_token_id join station ts on ts.id = t.station_id
           where k.owner_id = s.user_id and ts.organisation_id = st.organisation_id
             and t.started_at >= (date_trunc('day', ?::timestamptz at time zone z.tz) at time zone z.tz)) end as today
       ${coveringPeriod('?', `left join site on site.id = st.site_id cross join lateral (select coalesce(site.time_zone, 'UTC') as tz) z`)}
       limit 1`,
      [now, stationId, ownerId, now, now],
    );
    if (!row) return { refusal: null, pays: false };
    const refusal = limitRefusal({ name: row.name, maxSessionsPerDay: row.max_sessions_per_day }, Number(row.today));
    return { refusal, pays: Number(row.left_wh) > 0 };
  }
}
