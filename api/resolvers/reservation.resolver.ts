import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { ReservationType } from '../types/reservation.type.js';
import { visibleStation } from '../visible.js';

const ReservationConnection = ConnectionType('Reservation', ReservationType);

/** The reservations evcms sent a station, newest first; staff and partners of the station's organisation. */
@Resolver(() => ReservationType)
export class ReservationResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @Query(() => ReservationConnection, { description: "A station's reservations (made with reserveNow) and their state, newest first" })
  async reservations(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => String, { nullable: true, description: 'Only those in this state (Accepted, Cancelled, ...)' })
    status?: string | null,
  ) {
    const window = pageWindow(page);
    if (status !== undefined && status !== null && !/^[A-Za-z]{1,20}$/.test(status)) {
      throw badInput('status: expected a reservation state such as Accepted or Cancelled', 'status');
    }
    const station = await visibleStation(context, { identity: stationIdentity });
    const where = status ? 'r.station_id = ? and r.status = ?' : 'r.station_id = ?';
    const params = status ? [station.id, status] : [station.id];
    const from = 'reservation r join station s on s.id = r.station_id';
    const sql = context.em.getConnection();
    const [rows, counted] = await Promise.all([
      sql.execute<Record<string, unknown>[]>(
        `select r.*, s.identity from ${from} where ${where} order by r.created_at desc, r.id desc limit ? offset ?`,
        [...params, window.limit + 1, window.offset],
      ),
      sql.execute<{ n: string }[]>(`select count(*) as n from ${from} where ${where}`, params),
    ]);
    return toConnection(
      rows.map((row) => ReservationType.fromRow(row)),
      Number(counted[0]?.n ?? 0),
      window,
    );
  }
}
