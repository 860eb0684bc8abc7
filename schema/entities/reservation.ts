import { defineEntity, p } from '@mikro-orm/core';
import { Station } from './station.js';

/** A reservation sent with ReserveNow; its id is the OCPP reservationId. */
export const ReservationSchema = defineEntity({
  name: 'Reservation',
  indexes: [{ properties: ['station', 'status'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    station: () => p.manyToOne(Station),
    connectorId: p.integer(),
    idTag: p.string(),
    parentIdTag: p.string().nullable(),
    expiresAt: p.datetime(),
    /** Requested, Accepted, Faulted, Occupied, Rejected, Unavailable, Cancelled, Used, Expired. */
    status: p.string().default('Requested'),
    /** The session the reservation was used by. */
    sessionId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Reservation extends ReservationSchema.class {}
ReservationSchema.setClass(Reservation);
