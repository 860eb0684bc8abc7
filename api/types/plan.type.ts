import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Plan } from '../../schema/entities/index.js';

@ObjectType('PlanTax', { description: 'A tax included in a plan fee' })
export class PlanTaxType {
  @Field(() => String)
  type!: string;

  @Field(() => String, { description: 'Percent, as a decimal' })
  ratePercent!: string;
}

@ObjectType('Plan', { description: "A subscription plan of an operator's: money in minor units, energy in Wh" })
export class PlanType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'month or year' })
  interval!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => Int, { description: 'Per period, tax included' })
  feeMinor!: number;

  @Field(() => [PlanTaxType], { description: 'The taxes in the fee' })
  taxes!: PlanTaxType[];

  @Field(() => Int, { description: 'Energy included per period; sessions use it first' })
  includedEnergyWh!: number;

  @Field(() => String, { nullable: true, description: "Percent off the plan's sessions after the included energy" })
  discountPercent!: string | null;

  @Field(() => ID, { nullable: true, description: "The tariff the plan's sessions are priced with" })
  tariffId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Sessions a day at most (the site’s day); more are refused at the charger' })
  maxSessionsPerDay!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Power a session may draw at most, W: sent to the charger as a TxProfile when it starts',
  })
  maxPowerW!: number | null;

  @Field(() => [ID], { description: "The sites covered; empty: all the operator's" })
  siteIds!: string[];

  @Field(() => Date, { nullable: true, description: 'Withdrawn: no new subscribers; subscriptions end with their period' })
  archivedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  static from(plan: Plan): PlanType {
    return Object.assign(new PlanType(), {
      id: plan.id,
      organisationId: plan.organisation.id,
      name: plan.name,
      interval: plan.interval,
      currency: plan.currency,
      feeMinor: plan.feeMinor,
      taxes: plan.taxes.map((tax) => Object.assign(new PlanTaxType(), { type: tax.type, ratePercent: tax.ratePercent })),
      includedEnergyWh: plan.includedEnergyWh,
      discountPercent: plan.discountPercent ?? null,
      tariffId: plan.tariff?.id ?? null,
      maxSessionsPerDay: plan.maxSessionsPerDay ?? null,
      maxPowerW: plan.maxPowerW ?? null,
      siteIds: plan.siteIds,
      archivedAt: plan.archivedAt ?? null,
      createdAt: plan.createdAt,
    });
  }
}

/** A subscription with its current period, as the resolver reads it. */
export interface SubscriptionView {
  id: string;
  plan_id: string;
  user_id: string;
  organisation_id: string;
  status: string;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  ended_at: Date | null;
  end_reason: string | null;
  included_wh: string;
  used_wh: string;
  paid_at: Date | null;
}

@ObjectType('PlanSubscription', { description: "A driver's subscription to a plan, with its current period" })
export class PlanSubscriptionType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  planId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String, { description: 'pending, active, past_due (the fee not collected: nothing covered) or ended' })
  status!: string;

  @Field(() => Date)
  currentPeriodStart!: Date;

  @Field(() => Date)
  currentPeriodEnd!: Date;

  @Field(() => Boolean, { description: 'Cancelled: it ends with the current period' })
  cancelAtPeriodEnd!: boolean;

  @Field(() => Boolean, { description: "The current period's fee is paid: the plan covers sessions" })
  paid!: boolean;

  @Field(() => Int, { description: 'Energy included in the current period, Wh' })
  includedEnergyWh!: number;

  @Field(() => Int, { description: 'Of it, used by billed sessions, Wh' })
  usedEnergyWh!: number;

  @Field(() => Int, { description: 'Left for the period, Wh' })
  energyLeftWh!: number;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => String, { nullable: true })
  endReason!: string | null;

  static from(row: SubscriptionView): PlanSubscriptionType {
    const included = Number(row.included_wh);
    const used = Number(row.used_wh);
    return Object.assign(new PlanSubscriptionType(), {
      id: row.id,
      planId: row.plan_id,
      userId: row.user_id,
      organisationId: row.organisation_id,
      status: row.status,
      currentPeriodStart: new Date(row.current_period_start),
      currentPeriodEnd: new Date(row.current_period_end),
      cancelAtPeriodEnd: row.cancel_at_period_end,
      paid: row.paid_at !== null,
      includedEnergyWh: included,
      usedEnergyWh: used,
      energyLeftWh: Math.max(0, included - used),
      endedAt: row.ended_at === null ? null : new Date(row.ended_at),
      endReason: row.end_reason,
    });
  }
}
