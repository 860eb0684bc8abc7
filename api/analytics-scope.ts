import type { Scope } from '../analytics/scope.js';
import type { Principal } from '../auth/principal.js';
import type { ApiContext } from './context.js';
import { badInput, notFound } from './errors.js';
import { isUuid } from './ids.js';
import { visibleSite } from './resolvers/site.resolver.js';
import { visibleOrganisation, visibleStation } from './visible.js';

export interface ScopeArgs {
  stationIdentity?: string | undefined;
  siteId?: string | undefined;
  organisationId?: string | undefined;
}

export interface ResolvedScope {
  scope: Scope;
  /** The site's zone; for an organisation, the zone most of its sites are in; UTC for the network. */
  timeZone: string;
  /** The organisation the scope is in (null: the network). */
  organisationId: string | null;
}

async function mostCommonZone(context: ApiContext, organisationId: string | null): Promise<string> {
  const rows = await context.em
    .getConnection()
    .execute<{ time_zone: string }[]>(
      `select time_zone from site where (?::uuid is null or organisation_id = ?::uuid) group by time_zone order by count(*) desc, time_zone limit 1`,
      [organisationId, organisationId],
    );
  return rows[0]?.time_zone ?? 'UTC';
}

/**
 * What an analytics question is about, as the caller may see it: one of a station, a site or an organisation
 * (another organisation's is not found), or, when none is named, the operator's organisation or, for
 * administrators, the whole network.
 */
export async function analyticsScope(context: ApiContext, args: ScopeArgs): Promise<ResolvedScope> {
  const named = (['stationIdentity', 'siteId', 'organisationId'] as const).filter((k) => args[k] !== undefined && args[k] !== null);
  if (named.length > 1) throw badInput(`${named[1]}: give one of stationIdentity, siteId and organisationId`, named[1]);
  const principal = context.principal as Principal;
  if (args.stationIdentity !== undefined && args.stationIdentity !== null) {
    const station = await visibleStation(context, { identity: args.stationIdentity });
    const site = station.site ? await context.loaders.site.load(station.site.id) : null;
    return {
      scope: { kind: 'station', station: station.identity },
      timeZone: site?.timeZone ?? 'UTC',
      organisationId: station.organisation?.id ?? null,
    };
  }
  if (args.siteId !== undefined && args.siteId !== null) {
    if (!isUuid(args.siteId)) throw notFound(`site ${args.siteId}`);
    const site = await visibleSite(context, args.siteId);
    return { scope: { kind: 'site', siteId: site.id }, timeZone: site.timeZone, organisationId: site.organisation.id };
  }
  const organisationId = args.organisationId ?? (principal.role === 'ADMIN' ? null : principal.organisationId);
  if (organisationId === null || organisationId === undefined) {
    if (principal.role !== 'ADMIN') throw notFound('organisation (none)');
    return { scope: { kind: 'network' }, timeZone: await mostCommonZone(context, null), organisationId: null };
  }
  if (!isUuid(organisationId)) throw notFound(`organisation ${organisationId}`);
  await visibleOrganisation(context, organisationId);
  return { scope: { kind: 'organisation', organisationId }, timeZone: await mostCommonZone(context, organisationId), organisationId };
}
