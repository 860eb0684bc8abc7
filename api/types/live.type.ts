import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { EventMap } from '../../events/topics.js';
import { JSONScalar } from './json.scalar.js';

// What subscribers receive: the bus events as they were announced, named by station identity, without internal ids.

/** An event's fields for a subscriber: `identity` as `stationIdentity`, `at` as a Date, `stationId` left out. */
function fields<E extends { identity: string; stationId: string; at: string }>(event: E) {
  const { identity, stationId: _, at, ...rest } = event;
  return { ...rest, stationIdentity: identity, at: new Date(at) };
}

/** A session event's fields: `fields`, with the protocol's key as `ocppTransactionId`. */
function sessionFields<E extends EventMap['session.started' | 'session.updated' | 'session.ended']>(event: E) {
  const { transactionId, ...rest } = event;
  return { ...fields(rest), ocppTransactionId: transactionId };
}

@ObjectType()
abstract class StationEvent {
  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Date)
  at!: Date;
}

@ObjectType()
abstract class SessionEvent extends StationEvent {
  @Field(() => ID, { description: "evcms's id for the session" })
  sessionId!: string;

  @Field(() => String, { description: "The protocol's transaction key, as in the charger's logs (1.6: the transactionId)" })
  ocppTransactionId!: string;

  @Field(() => Int)
  connectorId!: number;
}

@ObjectType('StationStatusChange', { description: 'The station (connector 0) reported a status', simpleResolvers: true })
export class StationStatusChange extends StationEvent {
  @Field(() => String)
  status!: string;

  @Field(() => String)
  errorCode!: string;

  static from(e: EventMap['station.status']) {
    return Object.assign(new StationStatusChange(), fields(e));
  }
}

@ObjectType('ConnectorStatusChange', { description: 'A connector (0 is the station) reported a status', simpleResolvers: true })
export class ConnectorStatusChange extends StationStatusChange {
  @Field(() => Int)
  evseId!: number;

  @Field(() => Int)
  connectorId!: number;

  @Field(() => String, { description: 'The status as the station sent it; `status` is version-neutral (ConnectorStatus)' })
  ocppStatus!: string;

  @Field(() => String, { nullable: true })
  info!: string | null;

  @Field(() => String, { nullable: true })
  vendorErrorCode!: string | null;

  static override from(e: EventMap['connector.status']) {
    return Object.assign(new ConnectorStatusChange(), fields(e));
  }
}

@ObjectType('StationOnlineChange', { description: 'A station connected or went away', simpleResolvers: true })
export class StationOnlineChange extends StationEvent {
  @Field(() => Boolean)
  online!: boolean;

  static from(e: EventMap['station.online']) {
    return Object.assign(new StationOnlineChange(), fields(e));
  }
}

@ObjectType('StationSecurityEvent', {
  description: 'A station reported a security event (OCPP 1.6 security extension)',
  simpleResolvers: true,
})
export class StationSecurityEvent extends StationEvent {
  @Field(() => String, { description: 'As the station named it: TamperDetectionActivated, InvalidFirmwareSignature, ...' })
  type!: string;

  @Field(() => String, { nullable: true })
  techInfo!: string | null;

  static from(e: EventMap['station.security']) {
    return Object.assign(new StationSecurityEvent(), fields(e));
  }
}

@ObjectType('SessionStart', { description: 'A session began', simpleResolvers: true })
export class SessionStart extends SessionEvent {
  static from(e: EventMap['session.started']) {
    const { idTag: _, ...event } = sessionFields(e);
    return Object.assign(new SessionStart(), event);
  }
}

@ObjectType('SessionUpdate', { description: 'Live energy and power of an open session, from its MeterValues', simpleResolvers: true })
export class SessionUpdate extends SessionEvent {
  @Field(() => Float, { nullable: true, description: 'Energy so far, in Wh' })
  energyWh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Power now, in W' })
  powerW!: number | null;

  static from(e: EventMap['session.updated']) {
    return Object.assign(new SessionUpdate(), sessionFields(e));
  }
}

@ObjectType('SessionEnd', { description: 'A session ended', simpleResolvers: true })
export class SessionEnd extends SessionEvent {
  @Field(() => Float, { nullable: true, description: 'Energy delivered, in Wh (null when the readings are not sane)' })
  energyWh!: number | null;

  @Field(() => String, { nullable: true, description: 'The OCPP stop reason' })
  reason!: string | null;

  static from(e: EventMap['session.ended']) {
    return Object.assign(new SessionEnd(), sessionFields(e));
  }
}

@ObjectType('CommandOutcome', { description: 'A command sent to a station, and how it went', simpleResolvers: true })
export class CommandOutcome extends StationEvent {
  @Field(() => String, { description: 'The OCPP action, e.g. RemoteStopTransaction' })
  action!: string;

  @Field(() => String, { description: 'ok, or error' })
  status!: string;

  @Field(() => JSONScalar, { nullable: true, description: "The station's answer" })
  response!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;

  static from(e: EventMap['command.result']) {
    return Object.assign(new CommandOutcome(), fields(e));
  }
}

@ObjectType('InvoiceIssued', { description: 'An invoice was issued for a session', simpleResolvers: true })
export class InvoiceIssued extends StationEvent {
  @Field(() => ID)
  invoiceId!: string;

  @Field(() => String)
  number!: string;

  @Field(() => ID)
  sessionId!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => Int, { description: 'Tax included, minor units' })
  totalMinor!: number;

  static from(e: EventMap['invoice.issued']) {
    const { payerUserId: _, organisationId: __, ...rest } = fields(e);
    return Object.assign(new InvoiceIssued(), rest);
  }
}
