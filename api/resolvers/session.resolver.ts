import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { ChargingSession, Invoice } from '../../schema/entities/index.js';
import { sessionListWhere, sessionOrderColumns } from '../../sessions/list-query.js';
import { sessionScope } from '../../sessions/visibility.js';
import { meterSeries } from '../../warehouse/meter-series.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { SessionFilter, SessionOrder } from '../inputs/session.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { InvoiceType, PriceType } from '../types/billing.type.js';
import { AnomalyType, MeterValuePointType, MoneyType } from '../types/session-detail.type.js';
import { ChargingSessionType } from '../types/session.type.js';
import { StationType } from '../types/station.type.js';

const SessionConnection = ConnectionType('ChargingSession', ChargingSessionType);
const day = 86_400_000;

/** One session the principal may see, by its id, or not found (an id that is no UUID included). */
export async function visibleSession(context: ApiContext, sessionId: string): Promise<ChargingSessionType> {
  if (!isUuid(sessionId)) throw notFound(`session ${sessionId}`);
  const scope = sessionScope(context.principal as Principal);
  const rows = await context.em
    .getConnection()
    .execute<{ id: string }[]>(
      `select t.id from charging_session t join station s on s.id = t.station_id where t.id = ? and ${scope.sql}`,
      [sessionId, ...scope.params],
    );
  const session = rows[0] ? await context.em.findOne(ChargingSession, { id: sessionId }, { populate: ['station'] }) : null;
  if (!session) throw notFound(`session ${sessionId}`);
  return ChargingSessionType.from(session);
}

@Resolver(() => ChargingSessionType)
export class SessionResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @Query(() => SessionConnection, { description: 'Charging sessions, newest first unless ordered otherwise' })
  async sessions(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SessionFilter, { nullable: true }) filter?: SessionFilter,
    @Arg('orderBy', () => SessionOrder, { nullable: true }) orderBy?: SessionOrder,
  ) {
    const window = pageWindow(page);
    const where = sessionListWhere(context.principal as Principal, filter);
    const params = where.params;
    const column = sessionOrderColumns[orderBy?.field ?? 'startedAt'];
    const direction = (orderBy?.direction ?? 'desc') === 'asc' ? 'asc' : 'desc';
    const sql = context.em.getConnection();
    const from = 'charging_session t join station s on s.id = t.station_id';
    const clause = where.sql;
    const [rows, counted] = await Promise.all([
      sql.execute<{ id: string }[]>(
        `select t.id from ${from} where ${clause} order by ${column} ${direction} nulls last, t.id ${direction} limit ? offset ?`,
        [...params, window.limit, window.offset],
      ),
      sql.execute<{ n: string }[]>(`select count(*) as n from ${from} where ${clause}`, params),
    ]);
    const found = await context.em.find(ChargingSession, { id: { $in: rows.map((r) => r.id) } }, { populate: ['station'] });
    const byId = new Map(found.map((t) => [t.id, t]));
    const ordered = rows.map((r) => byId.get(r.id)).filter((t): t is ChargingSession => Boolean(t));
    return toConnection(ordered.map(ChargingSessionType.from), Number(counted[0]?.n ?? 0), window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @Query(() => ChargingSessionType, { description: 'One session by its id (find one by its OCPP transactionId with sessions(filter))' })
  async session(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<ChargingSessionType> {
    return visibleSession(context, id);
  }

  @FieldResolver(() => StationType)
  async station(@Root() session: ChargingSessionType, @Ctx() context: ApiContext): Promise<StationType> {
    const station = await context.loaders.station.load(session.stationId);
    if (!station) throw notFound(`station ${session.stationIdentity}`);
    return StationType.from(station);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:sessions:read')
  @FieldResolver(() => [AnomalyType], { description: 'What was odd about this session, oldest first' })
  async anomalies(@Root() session: ChargingSessionType, @Ctx() context: ApiContext): Promise<AnomalyType[]> {
    return (await context.loaders.anomaliesBySession.load(session.id)).map(AnomalyType.fromRow);
  }

  // A warehouse query per open session (its readings so far): priced like meterValues.
  @FieldResolver(() => MoneyType, {
    nullable: true,
    description:
      'What the session costs, tax included: its invoice once billed, else priced now (so far, while open); null without a tariff',
    complexity: ({ childComplexity }) => 50 + childComplexity,
  })
  async cost(@Root() session: ChargingSessionType, @Ctx() context: ApiContext): Promise<MoneyType | null> {
    const price = await this.price(session, context);
    return price ? Object.assign(new MoneyType(), { amountMinor: price.inclTaxMinor, currency: price.currency }) : null;
  }

  @FieldResolver(() => PriceType, {
    nullable: true,
    description: 'The price line by line: as invoiced once billed, else priced now by the same rules as the bill',
    complexity: ({ childComplexity }) => 50 + childComplexity,
  })
  async price(@Root() session: ChargingSessionType, @Ctx() context: ApiContext): Promise<PriceType | null> {
    const invoice = await context.em.findOne(Invoice, { session: session.id, kind: 'invoice' });
    if (invoice?.priced) return PriceType.from(invoice.priced);
    const priced = await context.deps.billing.priceOf(session.id);
    return priced ? PriceType.from(priced.priced) : null;
  }

  @FieldResolver(() => InvoiceType, { nullable: true, description: "The session's invoice, once billed (for its payer and the operator)" })
  async bill(@Root() session: ChargingSessionType, @Ctx() context: ApiContext): Promise<InvoiceType | null> {
    const invoice = await context.em.findOne(Invoice, { session: session.id, kind: 'invoice' });
    const principal = context.principal as Principal;
    if (!invoice || (principal.role === 'DRIVER' && invoice.payerUser?.id !== principal.id)) return null;
    return InvoiceType.from(invoice);
  }

  // A warehouse query per session: a page of 50 sessions with their series costs 50 x 50, over half the limit.
  @FieldResolver(() => [MeterValuePointType], {
    description: 'A measurand of this session over time, from the warehouse',
    complexity: ({ childComplexity }) => 50 + childComplexity,
  })
  async meterValues(
    @Root() session: ChargingSessionType,
    @Ctx() context: ApiContext,
    @Arg('measurand', () => String, { defaultValue: 'Energy.Active.Import.Register' }) measurand: string,
    @Arg('resolutionSeconds', () => Int, { defaultValue: 60 }) resolutionSeconds: number,
    @Arg('phase', () => String, { defaultValue: '', description: "'' for the total (default), or L1, L2, L3, L1-N, ..." }) phase: string,
  ): Promise<MeterValuePointType[]> {
    if (!/^[A-Za-z.]{1,64}$/.test(measurand))
      throw badInput('measurand: expected an OCPP measurand such as Power.Active.Import', 'measurand');
    if (!Number.isInteger(resolutionSeconds) || resolutionSeconds < 1 || resolutionSeconds > 86_400) {
      throw badInput('resolutionSeconds: expected 1 to 86400', 'resolutionSeconds');
    }
    if (phase.length > 8) throw badInput('phase: expected L1, L2, L3, N, L1-N, ... or empty', 'phase');
    // A day on either side: station clocks drift, and the sample timestamps are the station's.
    const points = await meterSeries(context.deps.warehouse, {
      station: session.stationIdentity,
      connectorId: session.connectorId,
      sessionId: session.id,
      transactionId: session.ocppTransactionId,
      measurand,
      resolutionSeconds,
      phase,
      from: new Date(session.startedAt.getTime() - day),
      to: new Date((session.stoppedAt ?? new Date()).getTime() + day),
    });
    return points.map((p) => Object.assign(new MeterValuePointType(), p));
  }
}
