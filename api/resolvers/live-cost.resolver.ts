import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { SessionUpdate } from '../types/live.type.js';
import { MoneyType } from '../types/session-detail.type.js';

/**
 * The running cost of a session as its live figures arrive, priced as its bill will be (billing/service.ts
 * priceOf, with the readings the warehouse has so far: the newest frame lands within the sink's interval).
 * Priced only for subscribers who select it, once per event and operation (shared execution).
 */
@Resolver(() => SessionUpdate)
export class LiveCostResolver {
  @FieldResolver(() => MoneyType, {
    nullable: true,
    description: 'What the session costs so far, tax included; null without a tariff',
    complexity: ({ childComplexity }) => 50 + childComplexity,
  })
  async cost(@Root() update: SessionUpdate, @Ctx() context: ApiContext): Promise<MoneyType | null> {
    const priced = await context.deps.billing.priceOf(update.sessionId);
    if (!priced) return null;
    return Object.assign(new MoneyType(), { amountMinor: priced.priced.totals.inclTaxMinor, currency: priced.priced.currency });
  }
}
