import { defineEntity, p } from '@mikro-orm/core';
import { Station } from './station.js';

/** Every StatusNotification a station sent, as sent and when received. */
export const StatusEventSchema = defineEntity({
  name: 'StatusEvent',
  indexes: [
    { properties: ['station', 'receivedAt'] },
    {
      // A connector's status changes by the time the station stamped them: billing reads a session's charging time so.
      name: 'status_event_connector_time_index',
      expression:
        'create index "status_event_connector_time_index" on "status_event" ("station_id", "connector_id", (coalesce("station_timestamp", "received_at")))',
    },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    connectorId: p.integer(),
    status: p.string(),
    errorCode: p.string(),
    info: p.string().nullable(),
    vendorId: p.string().nullable(),
    vendorErrorCode: p.string().nullable(),
    stationTimestamp: p.datetime().nullable(),
    receivedAt: p.datetime(),
  },
});
export class StatusEvent extends StatusEventSchema.class {}
StatusEventSchema.setClass(StatusEvent);

/** Every BootNotification a station sent, and what evcms answered. */
export const BootEventSchema = defineEntity({
  name: 'BootEvent',
  // By time alone too: the boot-loop alert counts every station's recent boots (alerts/conditions.ts).
  indexes: [{ properties: ['station', 'receivedAt'] }, { properties: ['receivedAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    vendor: p.string(),
    model: p.string(),
    chargePointSerial: p.string().nullable(),
    chargeBoxSerial: p.string().nullable(),
    firmwareVersion: p.string().nullable(),
    answered: p.string(),
    receivedAt: p.datetime(),
  },
});
export class BootEvent extends BootEventSchema.class {}
BootEventSchema.setClass(BootEvent);

/** Every SecurityEventNotification a station sent (OCPP 1.6 security extension): type as sent, e.g. TamperDetectionActivated. */
export const SecurityEventSchema = defineEntity({
  name: 'SecurityEvent',
  indexes: [{ properties: ['station', 'receivedAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    type: p.string(),
    techInfo: p.string().nullable(),
    stationTimestamp: p.datetime().nullable(),
    receivedAt: p.datetime(),
  },
});
export class SecurityEvent extends SecurityEventSchema.class {}
SecurityEventSchema.setClass(SecurityEvent);

/** Something a station sent that evcms answered but could not take at face value. */
export const AnomalySchema = defineEntity({
  name: 'Anomaly',
  indexes: [{ properties: ['station', 'receivedAt'] }, { properties: ['sessionId'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    /** The session it concerns, when evcms knows it. */
    sessionId: p.uuid().nullable(),
    /** The protocol's transaction key as the station sent it (one evcms may not know). */
    transactionId: p.string().nullable(),
    kind: p.string(),
    detail: p.json<Record<string, unknown>>(),
    receivedAt: p.datetime(),
  },
});
export class Anomaly extends AnomalySchema.class {}
AnomalySchema.setClass(Anomaly);

/** A configuration key as last read from the station. */
export const ConfigurationKeySchema = defineEntity({
  name: 'ConfigurationKey',
  uniques: [{ properties: ['station', 'key'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: () => p.manyToOne(Station),
    key: p.string(),
    value: p.text().nullable(),
    readonly: p.boolean(),
    readAt: p.datetime(),
  },
});
export class ConfigurationKey extends ConfigurationKeySchema.class {}
ConfigurationKeySchema.setClass(ConfigurationKey);
