import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from './json.scalar.js';
import { ChargingSessionType } from './session.type.js';

@ObjectType('CommandResult', {
  description: "A station's answer to a command: its status, the typed fields some answers carry, and the answer as sent",
})
export class CommandResultType {
  @Field(() => String, { description: 'The OCPP action sent' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'Accepted, Rejected, Unlocked, Scheduled, ... when the answer has a status' })
  status!: string | null;

  @Field(() => JSONScalar, { description: 'The whole answer, as the station sent it' })
  response!: unknown;

  @Field(() => Int, { nullable: true, description: 'ReserveNow: the reservationId evcms gave the reservation' })
  reservationId!: number | null;

  @Field(() => Int, { nullable: true, description: 'GetLocalListVersion: the version of the local list' })
  listVersion!: number | null;

  @Field(() => String, { nullable: true, description: 'GetDiagnostics: the file the station will upload' })
  fileName!: string | null;

  @Field(() => String, { nullable: true, description: 'DataTransfer: the data the station answered' })
  data!: string | null;

  static of(action: string, response: object, extra: { reservationId?: number; listVersion?: number } = {}): CommandResultType {
    const answer = response as { status?: unknown; fileName?: unknown; data?: unknown };
    return Object.assign(new CommandResultType(), {
      action,
      status: typeof answer.status === 'string' ? answer.status : null,
      response,
      reservationId: extra.reservationId ?? null,
      listVersion: extra.listVersion ?? null,
      fileName: typeof answer.fileName === 'string' ? answer.fileName : null,
      data: typeof answer.data === 'string' ? answer.data : null,
    });
  }
}

@ObjectType('RemoteStartResult', { description: 'The answer to a remote start and, once the station started it, the session' })
export class RemoteStartResultType {
  @Field(() => String, { description: 'Accepted or Rejected' })
  status!: string;

  @Field(() => ID, { nullable: true, description: 'The session, when the station started it within the wait' })
  sessionId!: string | null;

  @Field(() => String, { nullable: true, description: "The session's OCPP transactionId, when the station started it within the wait" })
  ocppTransactionId!: string | null;

  @Field(() => ChargingSessionType, { nullable: true })
  session!: ChargingSessionType | null;
}

@ObjectType('RemoteStopResult', { description: 'The answer to a remote stop and, once the station ended it, the session' })
export class RemoteStopResultType {
  @Field(() => String, { description: 'Accepted or Rejected' })
  status!: string;

  @Field(() => Boolean, { description: "Whether the station's StopTransaction ended the session within the wait" })
  ended!: boolean;

  @Field(() => ChargingSessionType)
  session!: ChargingSessionType;
}

@ObjectType('ConfigurationEntry', { description: 'A configuration key as the station reported it' })
export class ConfigurationEntryType {
  @Field(() => String)
  key!: string;

  @Field(() => String, { nullable: true })
  value!: string | null;

  @Field(() => Boolean)
  readonly!: boolean;
}

@ObjectType('ConfigurationResult', { description: 'The keys a station reported, and those it does not know' })
export class ConfigurationResultType {
  @Field(() => [ConfigurationEntryType])
  keys!: ConfigurationEntryType[];

  @Field(() => [String])
  unknownKeys!: string[];
}

@ObjectType('CommandLogEntry', { description: 'A command sent to a station: who asked, when, what, and what came back' })
export class CommandLogEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => String)
  action!: string;

  @Field(() => JSONScalar)
  request!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  response!: unknown;

  @Field(() => String, { description: 'ok, or why not: offline, timeout, an OCPP error code, invalid' })
  outcome!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { description: 'Who asked: a user or API key id, or "system"' })
  actor!: string;

  @Field(() => Date)
  requestedAt!: Date;

  @Field(() => Date)
  completedAt!: Date;

  static fromRow(row: Record<string, unknown>): CommandLogEntryType {
    return Object.assign(new CommandLogEntryType(), {
      id: String(row.id),
      stationIdentity: String(row.identity),
      action: String(row.action),
      request: row.request,
      response: row.response ?? null,
      outcome: String(row.outcome),
      error: row.error === null || row.error === undefined ? null : String(row.error),
      actor: String(row.actor),
      requestedAt: new Date(row.requested_at as string | Date),
      completedAt: new Date(row.completed_at as string | Date),
    });
  }
}
