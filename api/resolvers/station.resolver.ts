import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, ObjectType, Field, Query, Resolver, Root } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { Site } from '../../schema/entities/index.js';
import { numbered } from '../../database/conditions.js';
import { maxStationSearch, stationListWhere, stationOrderColumns } from '../../stations/list-query.js';
import type { ApiContext } from '../context.js';
import { createCountCache } from '../counts.js';
import { badInput, notFound } from '../errors.js';
import { visibleStation } from '../visible.js';
import { CreateStationInput, StationFilter, StationOrder } from '../inputs/station.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { ConnectorType, EvseType, StationType, stationColumns } from '../types/station.type.js';

const countStations = createCountCache();

export const StationConnection = ConnectionType('Station', StationType);

@ObjectType({ description: 'A created station and, once, its OCPP password' })
export class CreatedStation {
  @Field(() => StationType)
  station!: StationType;

  @Field(() => String, { nullable: true, description: 'Shown once: give it to the station (Basic auth password)' })
  ocppPassword!: string | null;
}

@Resolver(() => StationType)
export class StationResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Query(() => StationConnection, { description: 'Stations, filtered, sorted and paged' })
  async stations(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => StationFilter, { nullable: true }) filter?: StationFilter,
    @Arg('orderBy', () => StationOrder, { nullable: true }) orderBy?: StationOrder,
  ) {
    const window = pageWindow(page);
    if (filter?.search && filter.search.length > maxStationSearch)
      throw badInput(`search: at most ${maxStationSearch} characters`, 'filter.search');
    const where = stationListWhere(context.principal as Principal, filter);
    const params = where.params;
    const column = stationOrderColumns[orderBy?.field ?? 'identity'];
    const direction = orderBy?.direction === 'desc' ? 'desc' : 'asc';
    // The page on the plain pool, read as rows: hydrating entities (or the ORM's query layer) cost more
    // CPU than the rest of the request.
    const { sql } = context.deps;
    const clause = numbered(where.sql);
    const [rows, counted] = await Promise.all([
      sql.query<Parameters<typeof StationType.fromRow>[0]>(
        `select ${stationColumns.map((c) => `s.${c}`).join(', ')} from station s where ${clause}
         order by ${column} ${direction} nulls last, s.id limit $${params.length + 1} offset $${params.length + 2}`,
        [...params, window.limit, window.offset],
      ),
      countStations(`${clause}|${JSON.stringify(params)}`, async () => {
        const counted = await sql.query<{ n: string }>(`select count(*) as n from station s where ${clause}`, params);
        return Number(counted.rows[0]?.n ?? 0);
      }),
    ]);
    const platform = context.em.getPlatform();
    const nodes = rows.rows.map((row) => StationType.fromRow(row, (value) => platform.parseDate(value)));
    return toConnection(nodes, counted, window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Query(() => StationType, { description: 'One station by its OCPP identity (or id)' })
  async station(
    @Ctx() context: ApiContext,
    @Arg('identity', () => String, { nullable: true }) identity?: string,
    @Arg('id', () => ID, { nullable: true }) id?: string,
  ): Promise<StationType> {
    if (!identity && !id) throw badInput('give identity or id');
    return StationType.from(await visibleStation(context, { identity, id }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => CreatedStation, { description: 'Creates a station; its OCPP password is returned once' })
  async createStation(
    @Ctx() context: ApiContext,
    @Arg('input', () => CreateStationInput) input: CreateStationInput,
  ): Promise<CreatedStation> {
    const principal = context.principal as Principal;
    const scope = organisationScope(principal);
    if (input.siteId) {
      const site = await context.em.findOne(Site, { id: input.siteId });
      if (!site || (scope !== undefined && site.organisation.id !== scope)) throw notFound(`site ${input.siteId}`);
    } else if (scope === undefined && principal.role !== 'ADMIN') {
      throw badInput('siteId: required', 'siteId');
    }
    if (input.securityProfile !== undefined && input.securityProfile !== null && ![0, 1, 2].includes(input.securityProfile)) {
      throw badInput('securityProfile: expected 0, 1 or 2', 'securityProfile');
    }
    const created = await context.deps.stations.create({
      identity: input.identity,
      name: input.name,
      siteId: input.siteId,
      organisationId: scope ?? undefined,
      ocppPassword: input.ocppPassword,
      securityProfile: input.securityProfile as 0 | 1 | 2 | undefined,
    });
    return { station: StationType.from(created.station), ocppPassword: created.ocppPassword };
  }

  @FieldResolver(() => [ConnectorType], { description: 'Connectors with their last status, connector 0 (the station) first' })
  async connectors(@Root() station: StationType, @Ctx() context: ApiContext): Promise<ConnectorType[]> {
    return (await context.loaders.connectorsByStation.load(station.id)).map(ConnectorType.from);
  }

  @FieldResolver(() => [EvseType], { description: 'EVSEs with their connectors (OCPP 1.6: one per connector, 0 left out)' })
  async evses(@Root() station: StationType, @Ctx() context: ApiContext): Promise<EvseType[]> {
    return EvseType.group(await context.loaders.connectorsByStation.load(station.id));
  }

  @FieldResolver(() => String, { nullable: true, description: 'The station status: that of connector 0, when it reported one' })
  async status(@Root() station: StationType, @Ctx() context: ApiContext): Promise<string | null> {
    const connectors = await context.loaders.connectorsByStation.load(station.id);
    return connectors.find((c) => c.connectorId === 0)?.status ?? null;
  }
}
