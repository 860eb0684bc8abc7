import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import type { PricedSession } from '../tariff-model.js';
import { coverSession, type PlanTerms } from './coverage.js';

type Execute = <T>(query: string, params?: unknown[]) => Promise<T>;
const executeIn =
  (em: EntityManager): Execute =>
  <T>(query: string, params: unknown[] = []) =>
    em.execute(query, params) as Promise<T>;

/** A plan's power limit for a session, and the connector and transaction it is for. */
export interface PowerLimit {
  identity: string;
  connectorId: number;
  transactionId: string;
  maxPowerW: number;
}

/** A session as billing reads it (billing/service.ts's row has these columns). */
export interface PlanSession {
  id: string;
  owner_id: string | null;
  station_id: string;
  started_at: Date;
}

interface TermsRow {
  usage_id: string;
  subscription_id: string;
  period_start: Date;
  included_wh: string;
  used_wh: string;
  self_wh: string;
  plan_id: string;
  name: string;
  currency: string;
  discount_percent: string | null;
}

/**
 * The paid period of the driver's subscription with the station's operator that holds `at`, when its plan covers
 * the station's site. A period covers nothing until its fee is collected (`paid_at`). Parameters: station, driver, at, at.
 */
export const coveringPeriod = (driver = '?', joins = '') => `
  from plan_subscription s
    join plan_usage u on u.subscription_id = s.id
    join plan p on p.id = u.plan_id
    join station st on st.id = ? ${joins}
  where s.user_id = ${driver} and s.organisation_id = st.organisation_id
    and u.paid_at is not null and u.period_start <= ? and u.period_end > ?
    and (p.site_ids = '[]'::jsonb or p.site_ids @> jsonb_build_array(st.site_id::text))`;

/** Its terms for one session; the energy its own invoice recorded (billed before) counts as left for it. */
const termsQuery = (lock: boolean) => `
  select u.id as usage_id, u.subscription_id, u.period_start, u.included_wh, u.used_wh, p.id as plan_id, p.name, p.currency,
    p.discount_percent,
    coalesce((select (i.priced->'plan'->>'energyWh')::bigint from invoice i
      where i.session_id = ? and i.kind = 'invoice' and i.priced->'plan'->>'subscriptionId' = u.subscription_id::text), 0) as self_wh
  ${coveringPeriod()}
  order by u.period_start desc limit 1${lock ? ' for update of u' : ''}`;

const termsOf = (row: TermsRow): PlanTerms => ({
  planId: row.plan_id,
  name: row.name,
  subscriptionId: row.subscription_id,
  periodStart: new Date(row.period_start),
  currency: row.currency,
  energyLeftWh: Math.max(0, Number(row.included_wh) - Number(row.used_wh) + Number(row.self_wh)),
  discountPercent: row.discount_percent,
});

/**
 * What billing asks of plans (billing/service.ts calls these where it marks `plans:`): a session's price with
 * the driver's plan applied, read-only for the running cost, or consumed (the period's row locked and its used
 * energy counted) inside the invoice's transaction, so two sessions never spend the same included energy.
 */
export class PlanCoverage {
  constructor(private readonly deps: { orm: Orm }) {}

  private async terms(execute: Execute, session: PlanSession, lock: boolean): Promise<{ usageId: string; terms: PlanTerms } | null> {
    if (!session.owner_id) return null;
    const at = session.started_at;
    const rows = await execute<TermsRow[]>(termsQuery(lock), [session.id, session.station_id, session.owner_id, at, at]);
    return rows[0] ? { usageId: rows[0].usage_id, terms: termsOf(rows[0]) } : null;
  }

  /** Of these drivers, those who ever subscribed to a plan: billing asks nothing about the others' sessions. */
  async subscribers(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await executeIn(this.deps.orm.em.fork())<{ user_id: string }[]>(
      'select distinct user_id from plan_subscription where user_id in (?)',
      [userIds],
    );
    return new Set(rows.map((row) => row.user_id));
  }

  /** The price as the bill will show it (the running cost): nothing written. */
  async apply(priced: PricedSession, session: PlanSession): Promise<PricedSession> {
    const found = await this.terms(executeIn(this.deps.orm.em.fork()), session, false);
    return found ? coverSession(priced, found.terms) : priced;
  }

  /** The price as billed, in the invoice's transaction: the included energy it used is taken from the period. */
  async consume(em: EntityManager, priced: PricedSession, session: PlanSession): Promise<PricedSession> {
    const found = await this.terms(executeIn(em), session, true);
    if (!found) return priced;
    const covered = coverSession(priced, found.terms);
    if (covered.plan?.energyWh) {
      await em.execute('update plan_usage set used_wh = used_wh + ? where id = ?', [covered.plan.energyWh, found.usageId]);
    }
    return covered;
  }

  /** The most power the plan covering a session lets it draw, and where the session runs, or null (no plan, no limit). */
  async powerLimit(sessionId: string): Promise<PowerLimit | null> {
    const execute = executeIn(this.deps.orm.em.fork());
    const [session] = await execute<
      { station_id: string; owner_id: string | null; started_at: Date; identity: string; connector_id: number; transaction_id: string }[]
    >(
      `select t.station_id, k.owner_id, t.started_at, st.identity, t.connector_id, t.transaction_id
       from charging_session t join station st on st.id = t.station_id left join id_token k on k.id = t.id_token_id where t.id = ?`,
      [sessionId],
    );
    if (!session?.owner_id) return null;
    const at = new Date(session.started_at);
    const [plan] = await execute<{ max_power_w: number }[]>(
      `select p.max_power_w ${coveringPeriod()} and p.max_power_w is not null order by u.period_start desc limit 1`,
      [session.station_id, session.owner_id, at, at],
    );
    if (!plan) return null;
    return {
      identity: session.identity,
      connectorId: session.connector_id,
      transactionId: session.transaction_id,
      maxPowerW: plan.max_power_w,
    };
  }

  /** The tariff of the plan covering a session that starts now with this credential at this station, if it has one. */
  async tariffFor(question: { stationId: string; idTokenId: string | null; at: Date }): Promise<string | null> {
    if (!question.idTokenId) return null;
    const rows = await this.deps.orm.em
      .fork()
      .execute<{ tariff_id: string }[]>(
        `select p.tariff_id ${coveringPeriod('(select k.owner_id from id_token k where k.id = ?)')} and p.tariff_id is not null limit 1`,
        [question.stationId, question.idTokenId, question.at, question.at],
      );
    return rows[0]?.tariff_id ?? null;
  }
}
