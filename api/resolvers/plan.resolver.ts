import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { planScope, subscriptionScope } from '../../billing/plans/visibility.js';
import { Plan } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { CreatePlanInput } from '../inputs/plan.input.js';
import { PlanSubscriptionType, PlanType, type SubscriptionView } from '../types/plan.type.js';

const subscriptionQuery = (where: string) => `
  select s.id, s.plan_id, s.user_id, s.organisation_id, s.status, s.current_period_start, s.current_period_end, s.cancel_at_period_end,
    s.ended_at, s.end_reason, u.included_wh, u.used_wh, u.paid_at
  from plan_subscription s join plan_usage u on u.subscription_id = s.id and u.period_index = s.period_index
  where ${where} order by s.created_at desc limit 50`;

/** Subscriptions the principal may read, by a condition of their own. */
async function subscriptions(context: ApiContext, where: string, params: unknown[]): Promise<PlanSubscriptionType[]> {
  const scope = subscriptionScope(context.principal as Principal);
  const rows = await context.em
    .getConnection()
    .execute<SubscriptionView[]>(subscriptionQuery(`${scope.sql} and ${where}`), [...scope.params, ...params]);
  return rows.map(PlanSubscriptionType.from);
}

/** One subscription the principal may read, or not found. */
async function visibleSubscription(context: ApiContext, id: string): Promise<PlanSubscriptionType> {
  const [found] = isUuid(id) ? await subscriptions(context, 's.id = ?', [id]) : [];
  if (!found) throw notFound(`subscription ${id}`);
  return found;
}

/** A plan the principal may read, or not found (`field` names the argument). */
async function visiblePlan(context: ApiContext, id: string): Promise<Plan> {
  const scope = planScope(context.principal as Principal);
  const rows = isUuid(id)
    ? await context.em
        .getConnection()
        .execute<{ id: string }[]>(`select pl.id from plan pl where pl.id = ? and ${scope.sql}`, [id, ...scope.params])
    : [];
  const plan = rows[0] ? await context.em.findOne(Plan, { id }) : null;
  if (!plan) throw notFound(`plan ${id}`);
  return plan;
}

/** The driver's live subscription with an operator, or not found. */
async function liveSubscription(context: ApiContext, organisationId: string): Promise<PlanSubscriptionType> {
  const [found] = await subscriptions(context, `s.organisation_id = ? and s.status <> 'ended'`, [organisationId]);
  if (!found) throw notFound('a subscription with this operator (subscribeToPlan first)');
  return found;
}

@Resolver(() => PlanType)
export class PlanResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => [PlanType], {
    description: "Subscription plans: drivers those open to subscribers (any operator's), staff and partners their organisation's",
  })
  async plans(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true, description: "One operator's" }) organisationId?: string,
  ): Promise<PlanType[]> {
    if (organisationId && !isUuid(organisationId)) throw badInput('organisationId: not an id', 'organisationId');
    const scope = planScope(context.principal as Principal);
    const rows = await context.em
      .getConnection()
      .execute<{ id: string }[]>(
        `select pl.id from plan pl where ${scope.sql} and (?::uuid is null or pl.organisation_id = ?::uuid) order by pl.name, pl.id limit 200`,
        [...scope.params, organisationId ?? null, organisationId ?? null],
      );
    const found = await context.em.find(Plan, { id: { $in: rows.map((r) => r.id) } });
    const byId = new Map(found.map((p) => [p.id, p]));
    return rows.flatMap((r) => (byId.has(r.id) ? [PlanType.from(byId.get(r.id) as Plan)] : []));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => PlanType, { description: 'Creates a subscription plan (docs/billing.md)' })
  async createPlan(@Ctx() context: ApiContext, @Arg('input', () => CreatePlanInput) input: CreatePlanInput): Promise<PlanType> {
    const principal = context.principal as Principal;
    const owner = principal.role === 'ADMIN' ? input.organisationId : principal.organisationId;
    if (!owner) throw badInput('organisationId: required', 'organisationId');
    const { organisationId: _, ...terms } = input;
    return PlanType.from(await context.deps.plans.catalogue.create(owner, terms));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => PlanType, { description: 'Withdraws a plan: no new subscribers; its subscriptions end with their period' })
  async archivePlan(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<PlanType> {
    await visiblePlan(context, id);
    return PlanType.from(await context.deps.plans.catalogue.archive(id));
  }

  @Authorized('DRIVER')
  @Query(() => [PlanSubscriptionType], { description: 'Your subscriptions, newest first, with the included energy left' })
  async mySubscriptions(@Ctx() context: ApiContext): Promise<PlanSubscriptionType[]> {
    return subscriptions(context, 'true', []);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:read')
  @Query(() => [PlanSubscriptionType], { description: "Subscriptions to your organisation's plans, newest first (50)" })
  async planSubscriptions(
    @Ctx() context: ApiContext,
    @Arg('planId', () => ID, { nullable: true }) planId?: string,
  ): Promise<PlanSubscriptionType[]> {
    if (planId && !isUuid(planId)) throw badInput('planId: not an id', 'planId');
    return subscriptions(context, '(?::uuid is null or s.plan_id = ?::uuid)', [planId ?? null, planId ?? null]);
  }

  @Authorized('DRIVER')
  @Mutation(() => PlanSubscriptionType, { description: "Subscribes to a plan: the first period's fee is taken from your wallet now" })
  async subscribeToPlan(@Ctx() context: ApiContext, @Arg('planId', () => ID) planId: string): Promise<PlanSubscriptionType> {
    await visiblePlan(context, planId);
    const id = await context.deps.plans.subscriptions.subscribe((context.principal as Principal).id, planId);
    return visibleSubscription(context, id);
  }

  @Authorized('DRIVER')
  @Mutation(() => PlanSubscriptionType, {
    description: "Changes your plan with that plan's operator now, prorated to the second: the fee for the time left is swapped",
  })
  async changePlan(@Ctx() context: ApiContext, @Arg('planId', () => ID) planId: string): Promise<PlanSubscriptionType> {
    const plan = await visiblePlan(context, planId);
    const current = await liveSubscription(context, plan.organisation.id);
    await context.deps.plans.subscriptions.change(current.id, planId);
    return visibleSubscription(context, current.id);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:write')
  @Mutation(() => PlanSubscriptionType, { description: 'Cancels a subscription at the end of its period (one not paid for ends now)' })
  async cancelPlan(@Ctx() context: ApiContext, @Arg('subscriptionId', () => ID) subscriptionId: string): Promise<PlanSubscriptionType> {
    await visibleSubscription(context, subscriptionId);
    await context.deps.plans.subscriptions.cancel(subscriptionId);
    return visibleSubscription(context, subscriptionId);
  }
}
