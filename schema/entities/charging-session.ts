import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { TariffVersion } from './billing.js';
import { IdToken } from './id-token.js';
import { Station } from './station.js';

export const sessionStates = ['Active', 'Completed'] as const;
/** pending: to be billed once ended; billed; free (nothing to pay); held: for an operator to review (`billingHold` says why). */
export const billingStatuses = ['pending', 'billed', 'free', 'held'] as const;
export type BillingStatus = (typeof billingStatuses)[number];
export type SessionState = (typeof sessionStates)[number];

/**
 * How a credential was presented: 2.0.1's IdTokenEnumType, plus Unknown for an OCPP 1.6 idTag evcms has
 * not registered (1.6 sends the value alone; a registered one takes its credential's type).
 */
export const credentialTypes = [
  'Central',
  'eMAID',
  'ISO14443',
  'ISO15693',
  'KeyCode',
  'Local',
  'MacAddress',
  'NoAuthorization',
  'Unknown',
] as const;
export type CredentialType = (typeof credentialTypes)[number];

/**
 * A charging session. Its id is evcms's own (a UUID); `transactionId` is the protocol's key for it, as on
 * the wire: for OCPP 1.6 the int32 evcms issued (from the `ocpp16_transaction_id` sequence), for 2.0.1 the
 * string the station chose. Times are kept as the station sent them and as evcms received them.
 */
export const ChargingSessionSchema = defineEntity({
  name: 'ChargingSession',
  tableName: 'charging_session',
  indexes: [
    { properties: ['station', 'state'] },
    { properties: ['idTag', 'state'] },
    { properties: ['startedAt'] },
    {
      // The ended sessions still to bill, oldest stop first: what the billing sweep pages through.
      name: 'charging_session_billing_pending_index',
      expression: `create index "charging_session_billing_pending_index" on "charging_session" ("stopped_at", "id") where "state" = 'Completed' and "billing_status" = 'pending'`,
    },
    {
      // Sessions whose energy register went wrong, for the energy-out-of-range alert (alerts/meter-conditions.ts).
      name: 'charging_session_meter_trouble_index',
      expression: `create index "charging_session_meter_trouble_index" on "charging_session" ("stopped_at") where (flags @> '["energy-decreased"]'::jsonb or flags @> '["negative-energy"]'::jsonb or flags @> '["meter-reset"]'::jsonb)`,
    },
  ],
  uniques: [{ properties: ['station', 'transactionId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** The protocol's transaction key, as sent or issued (1.6: decimal int32). */
    transactionId: p.string(),
    /** Hash of (station, connector, idTag, meterStart, timestamp): a retried start finds its session. */
    startKey: p.string().unique().hidden(),
    station: () => p.manyToOne(Station),
    evseId: p.integer(),
    connectorId: p.integer(),
    /** The credential's value as the station sent it (a 1.6 idTag, a 2.0.1 idToken). */
    idTag: p.string(),
    credentialType: p.enum(credentialTypes).default('Unknown'),
    idToken: () => p.manyToOne(IdToken).nullable().index(),
    authStatus: p.string(),
    reservationId: p.integer().nullable(),
    state: p.enum(sessionStates).default('Active'),
    /** Null when the station sent a reading no column can hold (the session is flagged invalid-meter). */
    meterStartWh: p.bigint('number').nullable(),
    meterStopWh: p.bigint('number').nullable(),
    startedAt: p.datetime(),
    startReceivedAt: p.datetime(),
    stoppedAt: p.datetime().nullable(),
    stopReceivedAt: p.datetime().nullable(),
    stopReason: p.string().nullable(),
    stopIdTag: p.string().nullable(),
    /** meterStop - meterStart when both are sane; null while active or when flagged. */
    energyWh: p.bigint('number').nullable(),
    liveEnergyWh: p.bigint('number').nullable(),
    livePowerW: p.double().nullable(),
    lastMeterAt: p.datetime().nullable(),
    /** Anomaly kinds seen on this session (negative energy, meter reset, late stop, ...). */
    flags: p.json<string[]>().default('[]'),
    /** The tariff version in force when it started: what it is priced with, whatever changes after. */
    tariffVersion: () => p.manyToOne(TariffVersion).nullable(),
    billingStatus: p.enum(billingStatuses).default('pending'),
    billingHold: p.string().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class ChargingSession extends ChargingSessionSchema.class {}
ChargingSessionSchema.setClass(ChargingSession);
