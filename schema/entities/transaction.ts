import { defineEntity, p } from '@mikro-orm/core';
import { IdToken } from './id-token.js';
import { Station } from './station.js';

export const transactionStates = ['Active', 'Completed'] as const;
export type TransactionState = (typeof transactionStates)[number];

/**
 * A charging session. Its id is the OCPP 1.6 transactionId (int32), issued by PostgreSQL's sequence.
 * Times are kept as the station sent them and as evcms received them.
 */
export const TransactionSchema = defineEntity({
  name: 'Transaction',
  tableName: 'charging_transaction',
  indexes: [{ properties: ['station', 'state'] }, { properties: ['idTag', 'state'] }, { properties: ['startedAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    /** Hash of (station, connector, idTag, meterStart, timestamp): a retried start finds its session. */
    startKey: p.string().unique().hidden(),
    station: () => p.manyToOne(Station),
    connectorId: p.integer(),
    idTag: p.string(),
    idToken: () => p.manyToOne(IdToken).nullable().index(),
    authStatus: p.string(),
    reservationId: p.integer().nullable(),
    state: p.enum(transactionStates).default('Active'),
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
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Transaction extends TransactionSchema.class {}
TransactionSchema.setClass(Transaction);
