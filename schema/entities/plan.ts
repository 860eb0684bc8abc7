import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { TaxRate } from '../../billing/tariff-model.js';
import { Tariff } from './billing.js';
import { Organisation } from './organisation.js';
import { User } from './user.js';

export const planIntervals = ['month', 'year'] as const;
export type PlanInterval = (typeof planIntervals)[number];

/**
 * A subscription plan of an operator's: a fee per period (tax included), energy included per period, a
 * discount or a tariff of its own, limits, and the sites it covers (none listed: all of the operator's).
 * Never edited once drivers hold it: a change is a new plan (the old one archived).
 */
export const PlanSchema = defineEntity({
  name: 'Plan',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    name: p.string(),
    interval: p.enum(planIntervals),
    currency: p.string().length(3),
    /** What the driver pays per period, tax included, in minor units. */
    feeMinor: p.bigint('number'),
    /** The taxes included in the fee. */
    taxes: p.json<TaxRate[]>().default('[]'),
    includedEnergyWh: p.bigint('number').default(0),
    /** Percent off what the plan's sessions cost after the included energy, a decimal string ("10", "12.5"). */
    discountPercent: p.string().nullable(),
    /** The tariff the plan's sessions are priced with instead of the one assigned. */
    tariff: () => p.manyToOne(Tariff).nullable(),
    maxSessionsPerDay: p.integer().nullable(),
    /** The most power a session under the plan may draw, W: sent to the charger as a TxProfile (workers/plans.ts). */
    maxPowerW: p.integer().nullable(),
    /** The sites covered; empty: every site of the operator. */
    siteIds: p.json<string[]>().default('[]'),
    archivedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Plan extends PlanSchema.class {}
PlanSchema.setClass(Plan);

/** pending: the first fee not collected yet; active; past_due: the current period's fee not collected; ended. */
export const subscriptionStatuses = ['pending', 'active', 'past_due', 'ended'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/**
 * A driver's subscription to a plan of an operator's: one live (not ended) per driver and operator. Periods run
 * from `anchorAt` by whole months or years (period k is [anchor + k, anchor + k + 1)); the current one is
 * `periodIndex`. Each period is a plan_usage row.
 */
export const PlanSubscriptionSchema = defineEntity({
  name: 'PlanSubscription',
  indexes: [
    { properties: ['status', 'currentPeriodEnd'] },
    {
      name: 'plan_subscription_live_unique',
      expression: `create unique index "plan_subscription_live_unique" on "plan_subscription" ("user_id", "organisation_id") where "status" <> 'ended'`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    plan: () => p.manyToOne(Plan),
    user: () => p.manyToOne(User).index(),
    organisation: () => p.manyToOne(Organisation),
    status: p.enum(subscriptionStatuses).default('pending'),
    anchorAt: p.datetime(),
    periodIndex: p.integer().default(0),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    /** Cancelled: it ends when the current period does, and is not renewed. */
    cancelAtPeriodEnd: p.boolean().default(false),
    cancelledAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    endReason: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class PlanSubscription extends PlanSubscriptionSchema.class {}
PlanSubscriptionSchema.setClass(PlanSubscription);

/**
 * One period of a subscription: the plan in force, the energy it includes and how much sessions used, the fee
 * and when it was collected (a period covers nothing until then). `pendingChange` is a plan change whose
 * money is being moved: recorded first, so a crash half-way is finished, never lost or done twice.
 */
export const PlanUsageSchema = defineEntity({
  name: 'PlanUsage',
  uniques: [{ properties: ['subscription', 'periodIndex'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    subscription: () => p.manyToOne(PlanSubscription),
    plan: () => p.manyToOne(Plan),
    periodIndex: p.integer(),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    includedWh: p.bigint('number'),
    usedWh: p.bigint('number').default(0),
    /** The fee paid for the period, tax included (after a change: the new plan's), and the tax in it. */
    feeMinor: p.bigint('number'),
    feeTaxMinor: p.bigint('number'),
    paidAt: p.datetime().nullable(),
    /** The ledger transaction that took the fee. */
    feeTransactionId: p.uuid().nullable(),
    changes: p.integer().default(0),
    pendingChange: p.json<Record<string, unknown> | null>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class PlanUsage extends PlanUsageSchema.class {}
PlanUsageSchema.setClass(PlanUsage);
