import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BaselineInputError } from '../../maintenance/baseline-values.js';
import type { DriftEntry } from '../../maintenance/baselines.js';
import { listedOrganisation, organisationFor } from '../acting-organisation.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { actorOf, commandTarget, commanding } from '../remote.js';
import { perRequest } from '../request-loader.js';
import {
  AppliedConfigurationKeyType,
  ApplyBaselineResultType,
  ConfigurationBaselineInput,
  ConfigurationBaselineType,
  ConfigurationDriftType,
} from '../types/baseline.type.js';
import { StationType } from '../types/station.type.js';

const asInputError = (error: unknown): never => {
  if (error instanceof BaselineInputError) throw badInput(error.message, error.field);
  throw error;
};

/** One drift query per request for every station asked about. */
const driftLoader = perRequest<string, DriftEntry[]>(async (context, ids) => {
  const drift = await context.deps.maintenance.baselines.drift(ids);
  return ids.map((id) => drift.get(id) ?? []);
});

/** Configuration baselines per model, each station's drift from its own, and pushing the baseline (docs/maintenance.md). */
@Resolver(() => StationType)
export class BaselineResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [ConfigurationBaselineType], { description: "Configuration baselines by model: the organisation's (admins: all, or one's)" })
  async configurationBaselines(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<ConfigurationBaselineType[]> {
    const organisation = listedOrganisation(context, organisationId);
    if (organisation === null) return [];
    return (await context.deps.maintenance.baselines.list(organisation)).map(ConfigurationBaselineType.from);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => ConfigurationBaselineType, {
    description: "Sets a model's baseline (its keys replace those set before); a bad one names its field",
  })
  async setConfigurationBaseline(
    @Ctx() context: ApiContext,
    @Arg('input', () => ConfigurationBaselineInput) input: ConfigurationBaselineInput,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<ConfigurationBaselineType> {
    const organisation = await organisationFor(context, organisationId);
    const saved = await context.deps.maintenance.baselines
      .set(organisation, { model: input.model, keys: input.keys, maxPowerW: input.maxPowerW }, actorOf(context))
      .catch(asInputError);
    return ConfigurationBaselineType.from(saved);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => ApplyBaselineResultType, {
    description: "Sends ChangeConfiguration for each key that drifts from the station's baseline, and reports each answer",
  })
  async applyConfigurationBaseline(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
  ): Promise<ApplyBaselineResultType> {
    const { station, options } = await commandTarget(context, stationIdentity);
    const target = { id: station.id, identity: station.identity, model: station.model ?? null };
    const applied = await commanding(stationIdentity, 'ChangeConfiguration', () =>
      context.deps.maintenance.baselines.apply(target, options.actor ?? 'system'),
    ).catch(asInputError);
    return Object.assign(new ApplyBaselineResultType(), {
      stationIdentity: station.identity,
      keys: applied.map(AppliedConfigurationKeyType.from),
      rebootRequired: applied.some((key) => key.status === 'RebootRequired'),
    });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [ConfigurationDriftType], {
    description: "Baseline keys the station does not hold as its model's baseline wants (empty: none drift, or no baseline)",
  })
  async configurationDrift(@Root() station: StationType, @Ctx() context: ApiContext): Promise<ConfigurationDriftType[]> {
    return (await driftLoader(context).load(station.id)).map(ConfigurationDriftType.from);
  }
}
