import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { organisationScope, type Principal, seesOrganisation } from '../../auth/principal.js';
import type { EventMap } from '../../events/topics.js';
import { ReportError, type ReportView } from '../../reports/service.js';
import { organisationFor } from '../acting-organisation.js';
import { analyticsScope } from '../analytics-scope.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { isUuid } from '../ids.js';
import {
  ReportFormatValue,
  ReportKindValue,
  ReportProgressType,
  ReportStateValue,
  ReportSubscriptionType,
  ReportType,
} from '../types/report.type.js';

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReportError) throw badInput(error.message, error.field);
    throw error;
  }
}

const typeOf = (context: ApiContext, r: ReportView) => ReportType.from(r, context.deps.reports.downloadUrl(r));

const progressFilter = ({
  payload,
  context,
  args,
}: {
  payload: EventMap['report.progress'];
  context: ApiContext;
  args: { reportId?: string };
}) =>
  context.principal !== null &&
  context.principal.kind !== 'apiKey' &&
  seesOrganisation(context.principal, payload.organisationId) &&
  (!args.reportId || args.reportId === payload.reportId);

/** Reports for staff: asked for, scheduled, followed while they run, downloaded (docs/analytics.md#reports). */
@Resolver()
export class ReportResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => ReportType, {
    description:
      'Asks for a report over [from, to) of one of stationIdentity, siteId, organisationId (none: your organisation; administrators: the network); the workers build it (reportProgress)',
  })
  async requestReport(
    @Ctx() context: ApiContext,
    @Arg('kind', () => ReportKindValue) kind: ReportKindValue,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('format', () => ReportFormatValue) format: ReportFormatValue,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('siteId', () => String, { nullable: true }) siteId?: string,
    @Arg('organisationId', () => String, { nullable: true }) organisationId?: string,
    @Arg('timeZone', () => String, { nullable: true, description: 'An IANA zone instead of the scope’s' }) timeZone?: string,
  ): Promise<ReportType> {
    const target = await analyticsScope(context, { stationIdentity, siteId, organisationId });
    const report = await refusing(() =>
      context.deps.reports.request({
        organisationId: target.organisationId,
        kind,
        format,
        scope: target.scope,
        timeZone: timeZone ?? target.timeZone,
        from,
        to,
        requestedBy: (context.principal as Principal).id,
      }),
    );
    return typeOf(context, report);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [ReportType], { description: "Reports, newest first: your organisation's (administrators: all, or one organisation's)" })
  async reports(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('kinds', () => [ReportKindValue], { nullable: true }) kinds?: ReportKindValue[],
    @Arg('states', () => [ReportStateValue], { nullable: true }) states?: ReportStateValue[],
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first = 50,
  ): Promise<ReportType[]> {
    if (first < 1 || first > 500) throw badInput('first: expected 1 to 500', 'first');
    if ((id && !isUuid(id)) || (organisationId && !isUuid(organisationId))) return [];
    const own = organisationScope(context.principal as Principal);
    if (own === null) return [];
    if (own !== undefined && organisationId && organisationId !== own) return [];
    const reports = await context.deps.reports.list({ organisationId: own ?? organisationId ?? undefined, id, kinds, states, first });
    return reports.map((r) => typeOf(context, r));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => ReportSubscriptionType, {
    description: "Sets the addresses the organisation's scheduled reports of a kind are mailed to, with a link (an empty list: none)",
  })
  async setReportSubscription(
    @Ctx() context: ApiContext,
    @Arg('kind', () => ReportKindValue) kind: ReportKindValue,
    @Arg('emails', () => [String]) emails: string[],
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<ReportSubscriptionType> {
    const organisation = await organisationFor(context, organisationId);
    const set = await refusing(() => context.deps.reports.subscribe(organisation, kind, emails));
    return Object.assign(new ReportSubscriptionType(), { organisationId: organisation, ...set });
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [ReportSubscriptionType], { description: "The organisation's report subscriptions" })
  async reportSubscriptions(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<ReportSubscriptionType[]> {
    const organisation = await organisationFor(context, organisationId);
    return (await context.deps.reports.subscriptions(organisation)).map((s) =>
      Object.assign(new ReportSubscriptionType(), { organisationId: organisation, ...s }),
    );
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Subscription(() => ReportProgressType, {
    topics: 'report.progress',
    filter: progressFilter,
    description: "Reports' progress while they are built (percent and stage), and their end: done or failed",
  })
  reportProgress(
    @Root() event: EventMap['report.progress'],
    @Arg('reportId', () => ID, { nullable: true }) _reportId?: string,
  ): ReportProgressType {
    return ReportProgressType.from(event);
  }
}
