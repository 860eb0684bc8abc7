import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Station } from './station.js';

/** A connector of a station (connectorId 0 is the station itself), with its last status. */
export const ConnectorSchema = defineEntity({
  name: 'Connector',
  uniques: [{ properties: ['station', 'connectorId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    station: () => p.manyToOne(Station),
    connectorId: p.integer(),
    status: p.string().default('Unavailable'),
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
