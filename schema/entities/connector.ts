import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Station } from './station.js';

/**
 * A connector of a station's EVSE, with its last status. OCPP 1.6 has one EVSE per connector (evseId =
 * connectorId); connector 0 on EVSE 0 is the station itself. 2.0.1 numbers connectors within their EVSE.
 */
export const ConnectorSchema = defineEntity({
  name: 'Connector',
  uniques: [{ properties: ['station', 'evseId', 'connectorId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    station: () => p.manyToOne(Station),
    evseId: p.integer(),
    connectorId: p.integer(),
    /** Version-neutral (stations/connector-status.ts): Available, Occupied, Reserved, Unavailable, Faulted, Unknown. */
    status: p.string().default('Unavailable'),
    /** As the station sent it (1.6 ChargePointStatus: Preparing, Charging, SuspendedEV, ...). */
    ocppStatus: p.string().default('Unavailable'),
    errorCode: p.string().default('NoError'),
    info: p.string().nullable(),
    vendorId: p.string().nullable(),
    vendorErrorCode: p.string().nullable(),
    /** When the station says the status began. */
    statusSince: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Connector extends ConnectorSchema.class {}
ConnectorSchema.setClass(Connector);
