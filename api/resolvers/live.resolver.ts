import { Arg, ID, Authorized, Int, Resolver, Root, Subscription } from 'type-graphql';
import { seesOrganisation } from '../../auth/principal.js';
import { type EventWanted, wantedEvent } from '../../events/subscription-filter.js';
import type { EventMap, StationTopic } from '../../events/topics.js';
import type { ApiContext } from '../context.js';
import {
  CommandOutcome,
  ConnectorStatusChange,
  InvoiceIssued,
  SessionEnd,
  SessionStart,
  SessionUpdate,
  StationOnlineChange,
  StationSecurityEvent,
  StationStatusChange,
} from '../types/live.type.js';

interface Filtered<T extends StationTopic> {
  payload: EventMap[T];
  args: EventWanted;
  context: ApiContext;
}

// The arguments narrow what a subscriber asked for; LiveAccess decides what it may see.
const wanted = ({ payload, args }: Filtered<StationTopic>) => wantedEvent(payload, args);

const stationEvent = (data: Filtered<StationTopic>) =>
  wanted(data) && data.context.live.seesStation(data.context.principal, data.payload.stationId);

const sessionEvent = (data: Filtered<'session.started' | 'session.updated' | 'session.ended'>) =>
  wanted(data) && data.context.live.seesSession(data.context.principal, data.payload.stationId, data.payload.sessionId);

/** An invoice event: the driver who pays it, and the issuing organisation's staff and partners (admins all). */
const invoiceEvent = ({ payload, context }: Filtered<'invoice.issued'>) => {
  const principal = context.principal;
  if (!principal) return false;
  if (principal.role === 'DRIVER') return payload.payerUserId === principal.id;
  return seesOrganisation(principal, payload.organisationId);
};

/** Live monitoring over graphql-ws, fed by the event bus (whichever process the station is connected to). */
@Resolver()
export class LiveResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Subscription(() => StationStatusChange, {
    topics: 'station.status',
    filter: stationEvent,
    description: 'Status of a station (connector 0)',
  })
  stationStatusChanged(@Root() event: EventMap['station.status'], @Arg('stationIdentity', () => String) _stationIdentity: string) {
    return StationStatusChange.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Subscription(() => ConnectorStatusChange, {
    topics: 'connector.status',
    filter: stationEvent,
    description: "Status of a station's connectors",
  })
  connectorStatusChanged(
    @Root() event: EventMap['connector.status'],
    @Arg('stationIdentity', () => String) _stationIdentity: string,
    @Arg('connectorId', () => Int, { nullable: true }) _connectorId?: number,
  ) {
    return ConnectorStatusChange.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:stations:read')
  @Subscription(() => StationOnlineChange, {
    topics: 'station.online',
    filter: stationEvent,
    description: 'Stations connecting and going away',
  })
  stationOnlineChanged(
    @Root() event: EventMap['station.online'],
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return StationOnlineChange.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @Subscription(() => StationSecurityEvent, {
    topics: 'station.security',
    filter: stationEvent,
    description: 'Security events stations report (tampering, invalid firmware signatures, failed logins, ...)',
  })
  stationSecurityEvent(
    @Root() event: EventMap['station.security'],
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return StationSecurityEvent.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @Subscription(() => SessionStart, { topics: 'session.started', filter: sessionEvent, description: 'Sessions beginning' })
  sessionStarted(
    @Root() event: EventMap['session.started'],
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return SessionStart.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @Subscription(() => SessionUpdate, {
    topics: 'session.updated',
    filter: sessionEvent,
    description: 'Live energy and power of open sessions',
  })
  sessionUpdated(
    @Root() event: EventMap['session.updated'],
    @Arg('sessionId', () => ID, { nullable: true }) _sessionId?: string,
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return SessionUpdate.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @Subscription(() => SessionEnd, { topics: 'session.ended', filter: sessionEvent, description: 'Sessions ending' })
  sessionEnded(
    @Root() event: EventMap['session.ended'],
    @Arg('sessionId', () => ID, { nullable: true }) _sessionId?: string,
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return SessionEnd.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write', 'scope:audit:read')
  @Subscription(() => CommandOutcome, {
    topics: 'command.result',
    filter: stationEvent,
    description: 'Commands sent to stations and their outcome',
  })
  commandResult(
    @Root() event: EventMap['command.result'],
    @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string,
  ) {
    return CommandOutcome.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Subscription(() => InvoiceIssued, {
    topics: 'invoice.issued',
    filter: invoiceEvent,
    description: "Invoices as they are issued: drivers their own, staff and partners their organisation's",
  })
  invoiceIssued(@Root() event: EventMap['invoice.issued']) {
    return InvoiceIssued.from(event);
  }
}
