import { Args, ArgsType, Authorized, Ctx, Field, Int, Query, Resolver } from 'type-graphql';
import { defaultSteps, sessionDistribution } from '../../analytics/distribution.js';
import { faults } from '../../analytics/faults.js';
import { analyticsScope } from '../analytics-scope.js';
import type { ApiContext } from '../context.js';
import { FaultGroupType, SessionDistributionType } from '../types/warehouse-metrics.type.js';
import { asking } from './analytics.resolver.js';

/** A window and one of stationIdentity, siteId, organisationId (none: your organisation; administrators: the network). */
@ArgsType()
class ScopedWindowArgs {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => String, { nullable: true })
  stationIdentity?: string;

  @Field(() => String, { nullable: true })
  siteId?: string;

  @Field(() => String, { nullable: true })
  organisationId?: string;
}

@ArgsType()
class FaultsArgs extends ScopedWindowArgs {
  @Field(() => Int, { nullable: true, defaultValue: 100, description: 'Groups at most, 1 to 1,000' })
  first!: number;
}

@ArgsType()
class DistributionArgs extends ScopedWindowArgs {
  @Field(() => Int, { nullable: true, description: 'Width of an energy bucket, 100 to 1,000,000 Wh (5,000)' })
  energyStepWh?: number;

  @Field(() => Int, { nullable: true, description: 'Width of a duration bucket, 1 to 1,440 minutes (30)' })
  durationStepMinutes?: number;

  @Field(() => Int, { nullable: true, description: 'Buckets per histogram, 2 to 100 (20); the last is open above' })
  buckets?: number;
}

/** Faults by code and vendor, and the distributions of session energy and duration (docs/analytics.md); operators: their organisation's. */
@Resolver()
export class WarehouseMetricsResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [FaultGroupType], {
    description: "Faults by error code, vendor error code and the station's vendor and model, most frequent first (at most 2 years)",
  })
  async faults(@Ctx() context: ApiContext, @Args(() => FaultsArgs) args: FaultsArgs): Promise<FaultGroupType[]> {
    const target = await analyticsScope(context, args);
    const groups = await asking(() => faults(context.deps.warehouse, target.scope, args, args.first ?? 100));
    return groups.map((g) => Object.assign(new FaultGroupType(), g));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => SessionDistributionType, {
    description: 'Histograms of session energy and duration over the sessions started in the window (at most 2 years)',
  })
  async sessionDistribution(
    @Ctx() context: ApiContext,
    @Args(() => DistributionArgs) args: DistributionArgs,
  ): Promise<SessionDistributionType> {
    const target = await analyticsScope(context, args);
    const steps = {
      energyStepWh: args.energyStepWh ?? defaultSteps.energyStepWh,
      durationStepMinutes: args.durationStepMinutes ?? defaultSteps.durationStepMinutes,
      buckets: args.buckets ?? defaultSteps.buckets,
    };
    const histograms = await asking(() => sessionDistribution(context.deps.warehouse, target.scope, args, steps));
    return Object.assign(new SessionDistributionType(), histograms);
  }
}
