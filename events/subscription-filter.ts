import type { EventMap, StationTopic } from './topics.js';

/** What a live subscriber narrowed its events to; an argument left out (or null) narrows nothing. */
export interface EventWanted {
  stationIdentity?: string | null;
  /** evcms's session id. */
  sessionId?: string | null;
  connectorId?: number | null;
}

/** Is this event one the subscriber asked for? (Whether it may see it is the visibility rules' to say.) */
export function wantedEvent(payload: EventMap[StationTopic], args: EventWanted): boolean {
  return (
    (!args.stationIdentity || payload.identity === args.stationIdentity) &&
    (args.sessionId === undefined || args.sessionId === null || ('sessionId' in payload && payload.sessionId === args.sessionId)) &&
    (args.connectorId === undefined || args.connectorId === null || ('connectorId' in payload && payload.connectorId === args.connectorId))
  );
}
