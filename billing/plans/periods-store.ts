import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import type { PlanInterval } from '../../schema/entities/plan.js';
import type { TaxRate } from '../tariff-model.js';
import { periodOf } from './periods.js';
import { feeWithTax } from './proration.js';

/** A subscription period joined with what paying it needs. */
export interface PeriodRow {
  id: string;
  subscription_id: string;
  plan_id: string;
  period_index: number;
  period_start: Date;
  period_end: Date;
  included_wh: string;
  used_wh: string;
  fee_minor: string;
  fee_tax_minor: string;
  paid_at: Date | null;
  changes: number;
  pending_change: PendingChange | null;
  user_id: string;
  organisation_id: string;
  currency: string;
  status: string;
}

/** A plan change recorded before its money moves (billing/plans/subscriptions.ts change). */
export interface PendingChange {
  toPlanId: string;
  at: string;
  seq: number;
  netInclMinor: number;
  netTaxMinor: number;
  includedWh: number;
  feeMinor: number;
  feeTaxMinor: number;
}

/** What a new period takes from its plan. */
export interface PlanTerms {
  id: string;
  interval: PlanInterval;
  fee_minor: string;
  taxes: TaxRate[];
  included_energy_wh: string;
}

export const periodColumns = `u.id, u.subscription_id, u.plan_id, u.period_index, u.period_start, u.period_end, u.included_wh, u.used_wh,
  u.fee_minor, u.fee_tax_minor, u.paid_at, u.changes, u.pending_change, s.user_id, s.organisation_id, p.currency, s.status`;

const dated = (row: PeriodRow): PeriodRow => ({
  ...row,
  period_start: new Date(row.period_start),
  period_end: new Date(row.period_end),
  paid_at: row.paid_at === null ? null : new Date(row.paid_at),
});

/** The period `index` of a subscription (the current one when absent), or null. */
export async function periodRow(orm: Orm, subscriptionId: string, index?: number): Promise<PeriodRow | null> {
  const rows = await orm.em.fork().execute<PeriodRow[]>(
    `select ${periodColumns} from plan_usage u join plan_subscription s on s.id = u.subscription_id join plan p on p.id = u.plan_id
     where u.subscription_id = ? and u.period_index = coalesce(?::int, s.period_index)`,
    [subscriptionId, index ?? null],
  );
  return rows[0] ? dated(rows[0]) : null;
}

/**
 * Writes period `index` of a subscription under `plan` (its energy and fee, the tax in it), unpaid, and makes it the
 * subscription's current one, in the caller's transaction. A period written before is left as it is.
 */
export async function openPeriod(
  em: EntityManager,
  subscription: { id: string; anchor_at: Date },
  plan: PlanTerms,
  index: number,
): Promise<void> {
  const { start, end } = periodOf(subscription.anchor_at, plan.interval, index);
  const fee = feeWithTax(Number(plan.fee_minor), plan.taxes);
  await em.execute(
    `insert into plan_usage (id, subscription_id, plan_id, period_index, period_start, period_end, included_wh, used_wh, fee_minor,
       fee_tax_minor, changes, created_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, now()) on conflict (subscription_id, period_index) do nothing`,
    [subscription.id, plan.id, index, start, end, Number(plan.included_energy_wh), fee.inclMinor, fee.taxMinor],
  );
  await em.execute(
    `update plan_subscription set period_index = ?, current_period_start = ?, current_period_end = ? where id = ? and period_index <= ?`,
    [index, start, end, subscription.id, index],
  );
}
