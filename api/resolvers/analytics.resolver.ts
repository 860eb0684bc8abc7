import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ExclusionError, recordExclusion } from '../../analytics/exclusions.js';
import { FactWriter } from '../../analytics/fact-writer.js';
import { heatmap } from '../../analytics/heatmap.js';
import { analytics } from '../../analytics/metrics.js';
import { rankStations } from '../../analytics/rank.js';
import { AnalyticsError, type Window } from '../../analytics/scope.js';
import { previousYear, uptime } from '../../analytics/uptime.js';
import type { Principal } from '../../auth/principal.js';
import { analyticsScope } from '../analytics-scope.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { visibleStation } from '../visible.js';
import {
  AnalyticsType,
  ExclusionCauseValue,
  GranularityValue,
  HeatmapCellType,
  OutageExclusionType,
  PortUptimeType,
  RankedStationType,
  RankMetricValue,
  RankOrderValue,
} from '../types/analytics.type.js';
import { UptimeRuleValue } from '../types/warehouse-metrics.type.js';

/** Runs a warehouse question, its refusals as BAD_USER_INPUT naming the argument. */
export async function asking<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (error instanceof AnalyticsError || error instanceof ExclusionError) throw badInput(error.message, error.field);
    throw error;
  }
}

const windowOf = (from: Date, to: Date, timeZone: string): Window => ({ from, to, timeZone });

/** Analytics for operators (their organisation's) and administrators (any, or the network), computed in the warehouse (docs/analytics.md). */
@Resolver()
export class AnalyticsResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => AnalyticsType, {
    description:
      "Energy, sessions, drivers, revenue, utilisation, success rate and power per bucket and in total, in the site's time zone; one of stationIdentity, siteId, organisationId (none: your organisation; administrators: the network)",
  })
  async analytics(
    @Ctx() context: ApiContext,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('granularity', () => GranularityValue) granularity: GranularityValue,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('siteId', () => String, { nullable: true }) siteId?: string,
    @Arg('organisationId', () => String, { nullable: true }) organisationId?: string,
    @Arg('timeZone', () => String, { nullable: true, description: 'An IANA zone instead of the scope’s' }) timeZone?: string,
  ): Promise<AnalyticsType> {
    const target = await analyticsScope(context, { stationIdentity, siteId, organisationId });
    const answer = await asking(() =>
      analytics(context.deps.warehouse, target.scope, windowOf(from, to, timeZone ?? target.timeZone), granularity),
    );
    return AnalyticsType.from(answer);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [HeatmapCellType], { description: 'Sessions, energy and occupancy by weekday × hour of day (at most 168 cells)' })
  async heatmap(
    @Ctx() context: ApiContext,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('siteId', () => String, { nullable: true }) siteId?: string,
    @Arg('organisationId', () => String, { nullable: true }) organisationId?: string,
    @Arg('timeZone', () => String, { nullable: true }) timeZone?: string,
  ): Promise<HeatmapCellType[]> {
    const target = await analyticsScope(context, { stationIdentity, siteId, organisationId });
    const cells = await asking(() => heatmap(context.deps.warehouse, target.scope, windowOf(from, to, timeZone ?? target.timeZone)));
    return cells.map((c) => Object.assign(new HeatmapCellType(), c));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [PortUptimeType], {
    description:
      "Uptime per port as a regulator defines it (rule: NEVI's 23 CFR 680.116, or California's), worst first; by default over the previous 12 months (525,600 minutes)",
  })
  async uptime(
    @Ctx() context: ApiContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('siteId', () => String, { nullable: true }) siteId?: string,
    @Arg('organisationId', () => String, { nullable: true }) organisationId?: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first = 100,
    @Arg('rule', () => UptimeRuleValue, { nullable: true, defaultValue: UptimeRuleValue.NEVI }) rule = UptimeRuleValue.NEVI,
  ): Promise<PortUptimeType[]> {
    if (first < 1 || first > 1000) throw badInput('first: expected 1 to 1000', 'first');
    if ((from === undefined || from === null) !== (to === undefined || to === null))
      throw badInput('to: give both from and to, or neither', 'to');
    const target = await analyticsScope(context, { stationIdentity, siteId, organisationId });
    const window = from && to ? { from, to } : previousYear();
    const ports = await asking(() => uptime(context.deps.warehouse, target.scope, window, first, rule));
    return ports.map(({ station, ...port }) => Object.assign(new PortUptimeType(), { stationIdentity: station, ...port }));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [RankedStationType], { description: 'The top (DESC) or bottom (ASC) stations on a metric over a window' })
  async rankStations(
    @Ctx() context: ApiContext,
    @Arg('metric', () => RankMetricValue) metric: RankMetricValue,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('order', () => RankOrderValue, { nullable: true, defaultValue: RankOrderValue.DESC }) order: RankOrderValue,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number,
    @Arg('siteId', () => String, { nullable: true }) siteId?: string,
    @Arg('organisationId', () => String, { nullable: true }) organisationId?: string,
  ): Promise<RankedStationType[]> {
    const target = await analyticsScope(context, { siteId, organisationId });
    const ranked = await asking(() => rankStations(context.deps.warehouse, target.scope, { from, to }, metric, order, first));
    return ranked.map((r) => Object.assign(new RankedStationType(), { stationIdentity: r.station, value: r.value }));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => OutageExclusionType, {
    description: "Excludes a period from a port's uptime (connectorId 0: every port of the station), with its cause",
  })
  async recordOutageExclusion(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('cause', () => ExclusionCauseValue) cause: ExclusionCauseValue,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('connectorId', () => Int, { nullable: true, defaultValue: 0 }) connectorId: number,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<OutageExclusionType> {
    const station = await visibleStation(context, { identity: stationIdentity });
    if (!station.organisation) throw badInput('stationIdentity: the station belongs to no organisation', 'stationIdentity');
    const { sql, warehouse, log } = context.deps;
    const exclusion = await asking(() =>
      recordExclusion(
        { sql, writer: new FactWriter({ sql, warehouse, log }) },
        {
          stationId: station.id,
          organisationId: station.organisation?.id as string,
          connectorId,
          cause,
          from,
          to,
          note,
          recordedBy: (context.principal as Principal).id,
        },
      ),
    );
    return OutageExclusionType.from(exclusion, station.identity);
  }
}
