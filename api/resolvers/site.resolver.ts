import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { Organisation, Site, Station } from '../../schema/entities/index.js';
import { siteProblem } from '../../sites/validation.js';
import { maxSiteSearch, siteListWhere, siteScope } from '../../sites/visibility.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { CreateSiteInput, SiteFilter, UpdateSiteInput } from '../inputs/site.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { OrganisationType, SiteType } from '../types/organisation.type.js';
import { StationType } from '../types/station.type.js';
import { visibleOrganisation } from '../visible.js';
import { StationConnection } from './station.resolver.js';

const SiteConnection = ConnectionType('Site', SiteType);

/** One site the principal may see, or not found. */
export async function visibleSite(context: ApiContext, id: string): Promise<Site> {
  const scope = siteScope(context.principal as Principal);
  const found = await context.em
    .getConnection()
    .execute<{ id: string }[]>(`select site.id from site where site.id = ? and ${scope.sql}`, [id, ...scope.params]);
  const site = found[0] ? await context.loaders.site.load(id) : null;
  if (!site) throw notFound(`site ${id}`);
  return site;
}

/** A site the principal may change: admins any, operators their organisation's. */
async function editableSite(context: ApiContext, id: string): Promise<Site> {
  const scope = organisationScope(context.principal as Principal);
  const site = await context.em.findOne(Site, { id });
  if (!site || (scope !== undefined && site.organisation.id !== scope)) throw notFound(`site ${id}`);
  return site;
}

function checkSite(fields: Parameters<typeof siteProblem>[0]): void {
  const problem = siteProblem(fields);
  if (problem) throw badInput(problem.message, problem.field);
}

@Resolver(() => SiteType)
export class SiteResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Query(() => SiteConnection, { description: 'Sites, by name, filtered and paged' })
  async sites(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SiteFilter, { nullable: true }) filter?: SiteFilter,
  ) {
    const window = pageWindow(page);
    if (filter?.search && filter.search.length > maxSiteSearch)
      throw badInput(`search: at most ${maxSiteSearch} characters`, 'filter.search');
    const where = siteListWhere(context.principal as Principal, filter);
    const params = where.params;
    const sql = context.em.getConnection();
    const clause = where.sql;
    const [rows, counted] = await Promise.all([
      sql.execute<{ id: string }[]>(`select site.id from site where ${clause} order by site.name, site.id limit ? offset ?`, [
        ...params,
        window.limit,
        window.offset,
      ]),
      sql.execute<{ n: string }[]>(`select count(*) as n from site where ${clause}`, params),
    ]);
    const sites = await Promise.all(rows.map((r) => context.loaders.site.load(r.id)));
    return toConnection(sites.filter((s): s is Site => Boolean(s)).map(SiteType.from), Number(counted[0]?.n ?? 0), window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Query(() => SiteType, { description: 'One site' })
  async site(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<SiteType> {
    return SiteType.from(await visibleSite(context, id));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => SiteType, { description: 'Creates a site (admins for any organisation, operators for their own)' })
  async createSite(@Ctx() context: ApiContext, @Arg('input', () => CreateSiteInput) input: CreateSiteInput): Promise<SiteType> {
    const principal = context.principal as Principal;
    const organisationId = principal.role === 'ADMIN' ? input.organisationId : principal.organisationId;
    if (!organisationId) throw badInput('organisationId: required', 'organisationId');
    if (principal.role !== 'ADMIN' && input.organisationId && input.organisationId !== organisationId) {
      throw notFound(`organisation ${input.organisationId}`);
    }
    await visibleOrganisation(context, organisationId);
    checkSite({ ...input, timeZone: input.timeZone ?? 'UTC' });
    const site = context.em.create(Site, {
      organisation: context.em.getReference(Organisation, organisationId),
      name: input.name.trim(),
      address: input.address ?? null,
      city: input.city ?? null,
      country: input.country ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      gridLimitKw: input.gridLimitKw ?? null,
      timeZone: input.timeZone ?? 'UTC',
    });
    await context.em.flush();
    return SiteType.from(site);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => SiteType, { description: 'Changes a site (admins any, operators their organisation’s)' })
  async updateSite(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSiteInput) input: UpdateSiteInput,
  ): Promise<SiteType> {
    const site = await editableSite(context, id);
    checkSite(input);
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    if (typeof changes.name === 'string') changes.name = changes.name.trim();
    context.em.assign(site, changes);
    await context.em.flush();
    return SiteType.from(site);
  }

  @FieldResolver(() => OrganisationType)
  async organisation(@Root() site: SiteType, @Ctx() context: ApiContext): Promise<OrganisationType> {
    const organisation = await context.loaders.organisation.load(site.organisationId);
    if (!organisation) throw notFound(`organisation ${site.organisationId}`);
    return OrganisationType.from(organisation);
  }

  @FieldResolver(() => StationConnection, { description: 'The stations at this site, by identity (retired ones left out)' })
  async stations(@Root() site: SiteType, @Ctx() context: ApiContext, @Args(() => PageArgs) page: PageArgs) {
    const window = pageWindow(page);
    const filter = (context.principal as Principal).role === 'DRIVER' ? 'accepted' : 'all';
    const { rows, total } = await context.loaders.stationsBySite.load({ parentId: site.id, ...window, filter });
    const stations = await Promise.all(rows.map((r) => context.loaders.station.load(String(r.id))));
    return toConnection(stations.filter((s): s is Station => Boolean(s)).map(StationType.from), total, window);
  }
}
