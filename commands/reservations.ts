import type { Orm } from '../database/orm.js';
import type { Response, SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; orm: Orm };

export interface ReserveInput {
  connectorId: number;
  idTag: string;
  expiresAt: Date;
  parentIdTag?: string | undefined;
}

/** ReserveNow: the reservation gets its id from PostgreSQL, then takes the station's answer as status. */
export async function reserveNow(
  deps: Deps,
  identity: string,
  input: ReserveInput,
  options?: SendOptions,
): Promise<{ reservationId: number; status: Response<'ReserveNow'>['status'] }> {
  const sql = deps.orm.em.fork().getConnection();
  const rows = await sql.execute<{ id: number }[]>(
    `insert into reservation (station_id, connector_id, id_tag, parent_id_tag, expires_at, status, created_at, updated_at)
     select id, ?, ?, ?, ?, 'Requested', now(), now() from station where identity = ? returning id`,
    [input.connectorId, input.idTag, input.parentIdTag ?? null, input.expiresAt.toISOString(), identity],
  );
  const reservationId = rows[0]?.id;
  if (reservationId === undefined) throw new Error(`no station "${identity}"`);
  const payload = {
    connectorId: input.connectorId,
    expiryDate: input.expiresAt.toISOString(),
    idTag: input.idTag,
    reservationId,
    ...(input.parentIdTag ? { parentIdTag: input.parentIdTag } : {}),
  };
  try {
    const response = await deps.commands.send(identity, 'ReserveNow', payload, options);
    await sql.execute('update reservation set status = ?, updated_at = now() where id = ?', [response.status, reservationId]);
    return { reservationId, status: response.status };
  } catch (error) {
    await sql.execute(`update reservation set status = 'Failed', updated_at = now() where id = ?`, [reservationId]);
    throw error;
  }
}

/**
 * CancelReservation for any reservationId: evcms's own is marked Cancelled once the station accepts, and only at
 * that station; for one evcms did not issue the station's answer is all there is.
 */
export async function cancelReservation(
  deps: Deps,
  identity: string,
  reservationId: number,
  options?: SendOptions,
): Promise<Response<'CancelReservation'>> {
  const response = await deps.commands.send(identity, 'CancelReservation', { reservationId }, options);
  if (response.status === 'Accepted') {
    await deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `update reservation set status = 'Cancelled', updated_at = now()
          where id = ? and station_id = (select id from station where identity = ?)`,
        [reservationId, identity],
      );
  }
  return response;
}
