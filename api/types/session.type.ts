import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type ChargingSession, type CredentialType, credentialTypes } from '../../schema/entities/index.js';

export const CredentialTypeValue = Object.fromEntries(credentialTypes.map((t) => [t, t])) as { [T in CredentialType]: T };
registerEnumType(CredentialTypeValue, {
  name: 'CredentialType',
  description: "How a credential was presented, as OCPP 2.0.1's IdToken types it; Unknown for a 1.6 idTag evcms has not registered",
});

@ObjectType('Credential', { description: 'A credential as a station presented it: a value and its type (an OCPP 2.0.1 IdToken)' })
export class CredentialObject {
  @Field(() => String, { description: 'As the station sent it (an OCPP 1.6 idTag)' })
  value!: string;

  @Field(() => CredentialTypeValue)
  type!: CredentialType;
}

@ObjectType('ChargingSession', { description: 'A charging session' })
export class ChargingSessionType {
  @Field(() => ID, { description: "evcms's id for the session (a UUID): what the API, events, bills and the warehouse name it by" })
  id!: string;

  @Field(() => String, {
    description: "The protocol's transaction key, as in the charger's logs: for OCPP 1.6 the transactionId evcms issued (decimal)",
  })
  ocppTransactionId!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Int, { description: 'The EVSE (OCPP 1.6: the same number as the connector)' })
  evseId!: number;

  @Field(() => Int)
  connectorId!: number;

  @Field(() => CredentialObject, { description: 'The credential the session started with' })
  credential!: CredentialObject;

  @Field(() => String, { description: 'The credential value, as the station sent it', deprecationReason: 'Use credential.value' })
  idTag!: string;

  @Field(() => String, { description: 'Active or Completed' })
  state!: string;

  @Field(() => Date, { description: 'As the station reported it' })
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  stoppedAt!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The meter reading at the start, in Wh (null when the station sent one out of any sane range; the session is flagged)',
  })
  meterStartWh!: number | null;

  @Field(() => Float, { nullable: true, description: 'The meter reading at the stop, in Wh' })
  meterStopWh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Energy delivered, in Wh, once completed (null when the readings are not sane)' })
  energyWh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Energy so far, in Wh, from the last MeterValues' })
  liveEnergyWh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Power, in W, from the last MeterValues' })
  livePowerW!: number | null;

  @Field(() => String, { nullable: true, description: 'The OCPP stop reason (Local, Remote, EVDisconnected, ...)' })
  stopReason!: string | null;

  @Field(() => String, { description: 'pending (to bill once ended), billed, free, or held for review (billingHold says why)' })
  billingStatus!: string;

  @Field(() => String, { nullable: true, description: 'Why the session is held for review, or why it is free' })
  billingHold!: string | null;

  @Field(() => [String], { description: 'Anomalies seen on this session: negative-energy, meter-reset, stop-lost, not-authorised, ...' })
  flags!: string[];

  @Field(() => Int, { description: 'Seconds from start to stop, or to now while active' })
  get durationSeconds(): number {
    const end = this.stoppedAt ?? new Date();
    return Math.max(0, Math.round((end.getTime() - this.startedAt.getTime()) / 1000));
  }

  stationId!: string;

  /** From a session whose station is loaded (populate ['station']). */
  static from(row: ChargingSession): ChargingSessionType {
    return Object.assign(new ChargingSessionType(), {
      id: row.id,
      ocppTransactionId: row.transactionId,
      stationId: row.station.id,
      stationIdentity: row.station.identity,
      evseId: row.evseId,
      connectorId: row.connectorId,
      credential: Object.assign(new CredentialObject(), { value: row.idTag, type: row.credentialType }),
      idTag: row.idTag,
      state: row.state,
      startedAt: row.startedAt,
      stoppedAt: row.stoppedAt ?? null,
      meterStartWh: row.meterStartWh,
      energyWh: row.energyWh ?? null,
      liveEnergyWh: row.liveEnergyWh ?? null,
      livePowerW: row.livePowerW ?? null,
      stopReason: row.stopReason ?? null,
      meterStopWh: row.meterStopWh ?? null,
      flags: row.flags ?? [],
      billingStatus: row.billingStatus,
      billingHold: row.billingHold ?? null,
    });
  }
}
