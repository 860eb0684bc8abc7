import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { Site } from './site.js';

export const registrationStatuses = ['Accepted', 'Pending', 'Rejected'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

/** A charging station, known by its OCPP identity. */
export const StationSchema = defineEntity({
  name: 'Station',
  indexes: [
    {
      // An organisation's active stations: the API's station lists count and page through these.
      name: 'station_organisation_active_index',
      expression:
        'create index "station_organisation_active_index" on "station" ("organisation_id", "identity") where "retired_at" is null',
    },
    {
      // Identities are unique whatever their case; admission looks stations up by lower(identity) on it.
      name: 'station_lower_identity_unique',
      expression: 'create unique index "station_lower_identity_unique" on "station" (lower("identity"))',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    identity: p.string().length(48).unique(),
    name: p.string().nullable(),
    organisation: () => p.manyToOne(Organisation).nullable().index(),
    site: () => p.manyToOne(Site).nullable().index(),
    /** 0: no password (explicit only), 1: Basic auth over ws, 2: Basic auth over TLS. */
    securityProfile: p.smallint().default(1),
    passwordSalt: p.string().nullable().hidden(),
    passwordHash: p.string().nullable().hidden(),
    /** A new password offered to the station whose answer never came: also accepted, until it logs in with one. */
    offeredPasswordSalt: p.string().nullable().hidden(),
    offeredPasswordHash: p.string().nullable().hidden(),
    registrationStatus: p.enum(registrationStatuses).default('Accepted'),
    vendor: p.string().nullable(),
    model: p.string().nullable(),
    chargePointSerial: p.string().nullable(),
    chargeBoxSerial: p.string().nullable(),
    firmwareVersion: p.string().nullable(),
    iccid: p.string().nullable(),
    imsi: p.string().nullable(),
    meterType: p.string().nullable(),
    meterSerial: p.string().nullable(),
    ocppVersion: p.string().nullable(),
    lastBootAt: p.datetime().nullable(),
    lastSeenAt: p.datetime().nullable(),
    online: p.boolean().default(false),
    /** The gateway node holding the station's socket, for routing commands. */
    gatewayNode: p.string().nullable(),
    diagnosticsStatus: p.string().nullable(),
    diagnosticsStatusAt: p.datetime().nullable(),
    firmwareStatus: p.string().nullable(),
    firmwareStatusAt: p.datetime().nullable(),
    localListVersion: p.integer().default(0),
    retiredAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Station extends StationSchema.class {}
StationSchema.setClass(Station);
