import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Transaction } from '../../schema/entities/index.js';

@ObjectType('ChargingSession', { description: 'A charging session (an OCPP transaction)' })
export class ChargingSessionType {
  @Field(() => ID, { description: 'The OCPP transactionId, as a string' })
  id!: string;

  @Field(() => Int, { description: 'The OCPP 1.6 transactionId evcms gave the station' })
  transactionId!: number;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Int)
  connectorId!: number;

  @Field(() => String, { description: 'The credential the session started with, as the station sent it' })
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

  @Field(() => [String], { description: 'Anomalies seen on this session: negative-energy, meter-reset, stop-lost, not-authorised, ...' })
  flags!: string[];

  @Field(() => Int, { description: 'Seconds from start to stop, or to now while active' })
  get durationSeconds(): number {
    const end = this.stoppedAt ?? new Date();
    return Math.max(0, Math.round((end.getTime() - this.startedAt.getTime()) / 1000));
  }

  stationId!: string;

  /** From a session whose station is loaded (populate ['station']). */
  static from(row: Transaction): ChargingSessionType {
    return Object.assign(new ChargingSessionType(), {
      id: String(row.id),
      transactionId: row.id,
      stationId: row.station.id,
      stationIdentity: row.station.identity,
      connectorId: row.connectorId,
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
    });
  }
}
