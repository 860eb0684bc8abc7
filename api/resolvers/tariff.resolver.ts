import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { estimatePrice } from '../../billing/pricing/index.js';
import { checkedDefinition } from '../../billing/tariffs.js';
import { editsTariffsOf, tariffScope } from '../../billing/visibility.js';
import { Station, Tariff, TariffAssignment, TariffVersion } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { PriceType, TariffAssignmentType, TariffType, TariffVersionType } from '../types/billing.type.js';
import { JSONScalar } from '../types/json.scalar.js';
import { visibleStation } from '../visible.js';

const TariffConnection = ConnectionType('Tariff', TariffType);

/** One tariff the principal may read, or not found. */
async function visibleTariff(context: ApiContext, id: string): Promise<Tariff> {
  const scope = tariffScope(context.principal as Principal);
  const rows = await context.em
    .getConnection()
    .execute<{ id: string }[]>(`select tf.id from tariff tf where tf.id = ? and ${scope.sql}`, [id, ...scope.params]);
  const tariff = rows[0] ? await context.em.findOne(Tariff, { id }) : null;
  if (!tariff) throw notFound(`tariff ${id}`);
  return tariff;
}

/** A tariff the principal may change (its organisation's staff, or an admin), or not found. */
async function editableTariff(context: ApiContext, id: string): Promise<Tariff> {
  const tariff = await context.em.findOne(Tariff, { id });
  if (!tariff || !editsTariffsOf(context.principal as Principal, tariff.organisation.id)) throw notFound(`tariff ${id}`);
  return tariff;
}

const actorOf = (context: ApiContext) => (context.principal as Principal).id;

@Resolver(() => TariffType)
export class TariffResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => TariffConnection, {
    description: "Tariffs, by name: staff and partners their organisation's, drivers all (prices are public)",
  })
  async tariffs(@Ctx() context: ApiContext, @Args(() => PageArgs) page: PageArgs) {
    const window = pageWindow(page);
    const scope = tariffScope(context.principal as Principal);
    const sql = context.em.getConnection();
    const [rows, counted] = await Promise.all([
      sql.execute<{ id: string }[]>(`select tf.id from tariff tf where ${scope.sql} order by tf.name, tf.id limit ? offset ?`, [
        ...scope.params,
        window.limit,
        window.offset,
      ]),
      sql.execute<{ n: string }[]>(`select count(*) as n from tariff tf where ${scope.sql}`, scope.params),
    ]);
    const found = await context.em.find(Tariff, { id: { $in: rows.map((r) => r.id) } });
    const byId = new Map(found.map((t) => [t.id, t]));
    const ordered = rows.map((r) => byId.get(r.id)).filter((t): t is Tariff => Boolean(t));
    return toConnection(ordered.map(TariffType.from), Number(counted[0]?.n ?? 0), window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => TariffType, { description: 'One tariff' })
  async tariff(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<TariffType> {
    return TariffType.from(await visibleTariff(context, id));
  }

  @FieldResolver(() => [TariffVersionType], { description: 'Every version, newest first' })
  async versions(@Root() tariff: TariffType, @Ctx() context: ApiContext): Promise<TariffVersionType[]> {
    const rows = await context.em.find(TariffVersion, { tariff: tariff.id }, { orderBy: { version: 'desc' } });
    return rows.map(TariffVersionType.from);
  }

  @FieldResolver(() => TariffVersionType, { nullable: true, description: 'The version in force now' })
  async current(@Root() tariff: TariffType, @Ctx() context: ApiContext): Promise<TariffVersionType | null> {
    const version = await context.deps.tariffs.inForce(tariff.id, new Date());
    return version ? TariffVersionType.from(version) : null;
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:read')
  @FieldResolver(() => [TariffAssignmentType], { description: 'Where it applies' })
  async assignments(@Root() tariff: TariffType, @Ctx() context: ApiContext): Promise<TariffAssignmentType[]> {
    const rows = await context.em.find(TariffAssignment, { tariff: tariff.id }, { orderBy: { createdAt: 'asc' } });
    return rows.map(TariffAssignmentType.from);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => TariffType, { description: 'Creates a tariff and its first version (definition: docs/billing.md)' })
  async createTariff(
    @Ctx() context: ApiContext,
    @Arg('name', () => String) name: string,
    @Arg('definition', () => JSONScalar) definition: unknown,
    @Arg('validFrom', () => Date, { nullable: true, description: 'Default: now' }) validFrom?: Date,
    @Arg('organisationId', () => ID, { nullable: true, description: 'Admins: whose; others: their own' }) organisationId?: string,
  ): Promise<TariffType> {
    const principal = context.principal as Principal;
    const owner = principal.role === 'ADMIN' ? organisationId : principal.organisationId;
    if (!owner) throw badInput('organisationId: required', 'organisationId');
    const { tariff } = await context.deps.tariffs.create(owner, name, { definition, validFrom, actor: actorOf(context) });
    return TariffType.from(tariff);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => TariffVersionType, {
    description: 'Changes a tariff: a new version, in force from validFrom (default now); sessions started before keep theirs',
  })
  async updateTariff(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('definition', () => JSONScalar) definition: unknown,
    @Arg('validFrom', () => Date, { nullable: true }) validFrom?: Date,
  ): Promise<TariffVersionType> {
    await editableTariff(context, id);
    return TariffVersionType.from(await context.deps.tariffs.addVersion(id, { definition, validFrom, actor: actorOf(context) }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => TariffAssignmentType, {
    description: "Applies a tariff to its organisation's stations, a site, a station or one connector, optionally for a driver group",
  })
  async assignTariff(
    @Ctx() context: ApiContext,
    @Arg('tariffId', () => ID) tariffId: string,
    @Arg('siteId', () => ID, { nullable: true }) siteId?: string,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
    @Arg('groupId', () => ID, { nullable: true, description: 'A parent credential: only its members' }) groupId?: string,
  ): Promise<TariffAssignmentType> {
    await editableTariff(context, tariffId);
    const station = stationIdentity ? await context.em.findOne(Station, { identity: stationIdentity }) : null;
    if (stationIdentity && !station) throw badInput(`stationIdentity: no station ${stationIdentity}`, 'stationIdentity');
    const assignment = await context.deps.tariffs.assign({ tariffId, siteId, stationId: station?.id, connectorId, groupId });
    return TariffAssignmentType.from(assignment);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => Boolean, { description: 'Removes an assignment; sessions already started keep their tariff' })
  async unassignTariff(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    const assignment = await context.em.findOne(TariffAssignment, { id });
    if (!assignment) throw notFound(`tariff assignment ${id}`);
    await editableTariff(context, assignment.tariff.id);
    return context.deps.tariffs.unassign(id);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => PriceType, {
    nullable: true,
    description: 'What a session at this connector would cost, e.g. for a driver app: null when no tariff applies',
  })
  async priceEstimate(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('energyWh', () => Int) energyWh: number,
    @Arg('durationMinutes', () => Int) durationMinutes: number,
    @Arg('connectorId', () => Int, { defaultValue: 1 }) connectorId: number,
    @Arg('startAt', () => Date, { nullable: true, description: 'Default: now' }) startAt?: Date,
  ): Promise<PriceType | null> {
    if (energyWh < 0 || energyWh > 1_000_000) throw badInput('energyWh: expected 0 to 1000000', 'energyWh');
    if (durationMinutes < 1 || durationMinutes > 7 * 24 * 60) throw badInput('durationMinutes: expected 1 to 10080', 'durationMinutes');
    const station = await visibleStation(context, { identity: stationIdentity });
    const at = startAt ?? new Date();
    const version = await context.deps.tariffs.resolve({ stationId: station.id, connectorId, idTokenId: null, at });
    if (!version) return null;
    const timeZone = station.site ? ((await context.loaders.site.load(station.site.id))?.timeZone ?? 'UTC') : 'UTC';
    return PriceType.from(estimatePrice(checkedDefinition(version.definition), { startAt: at, energyWh, durationMinutes, timeZone }));
  }
}
