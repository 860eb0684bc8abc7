import type { Orm } from '../../database/orm.js';
import { Organisation, Plan, Site, Tariff } from '../../schema/entities/index.js';
import { BillingError } from '../errors.js';
import { checkPlan, type PlanInput } from './validation.js';

/** An operator's plans: made once, archived rather than edited (a driver's plan never changes under them). */
export class PlanCatalogue {
  constructor(private readonly deps: { orm: Orm }) {}

  async create(organisationId: string, input: PlanInput): Promise<Plan> {
    const plan = checkPlan(input);
    const em = this.deps.orm.em.fork();
    const organisation = await em.findOne(Organisation, { id: organisationId });
    if (!organisation) throw new BillingError('NOT_FOUND', `organisation ${organisationId} not found`);
    const sites = plan.siteIds.length ? await em.count(Site, { id: { $in: plan.siteIds }, organisation: organisationId }) : 0;
    if (sites !== plan.siteIds.length) throw new BillingError('BAD_USER_INPUT', "siteIds: a site is not the organisation's", 'siteIds');
    const tariff = plan.tariffId ? await em.findOne(Tariff, { id: plan.tariffId, organisation: organisationId }) : null;
    if (plan.tariffId && !tariff)
      throw new BillingError('BAD_USER_INPUT', `tariffId: no tariff ${plan.tariffId} of the organisation`, 'tariffId');
    if (tariff && tariff.currency !== plan.currency) {
      throw new BillingError('BAD_USER_INPUT', `tariffId: the tariff is in ${tariff.currency}, the plan in ${plan.currency}`, 'tariffId');
    }
    const { tariffId: _, ...terms } = plan;
    const created = em.create(Plan, { ...terms, organisation, tariff });
    await em.flush();
    return created;
  }

  /** Withdrawn: no one subscribes or changes to it; subscriptions to it end at their period's end. */
  async archive(planId: string): Promise<Plan> {
    const em = this.deps.orm.em.fork();
    const plan = await em.findOne(Plan, { id: planId });
    if (!plan) throw new BillingError('NOT_FOUND', `plan ${planId} not found`);
    plan.archivedAt ??= new Date();
    await em.flush();
    return plan;
  }

  /** A plan open to subscribers, or a BillingError naming `field`. */
  async open(planId: string, field = 'planId'): Promise<Plan> {
    const plan = await this.deps.orm.em.fork().findOne(Plan, { id: planId });
    if (!plan) throw new BillingError('NOT_FOUND', `plan ${planId} not found`);
    if (plan.archivedAt) throw new BillingError('BAD_USER_INPUT', `${field}: plan "${plan.name}" is withdrawn`, field);
    return plan;
  }
}
