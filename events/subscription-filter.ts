import type { EventMap, Topic } from './topics.js';

/** What a live subscriber narrowed its events to; an argument left out (or null) narrows nothing. */
export interface EventWanted {
  stationIdentity?: string | null;
  transactionId?: number | null;
  connectorId?: number | null;
}

/** Is this event one the subscriber asked for? (Whether it may see it is the visibility rules' to say.) */
export function wantedEvent(payload: EventMap[Topic], args: EventWanted): boolean {
  return (
    (!args.stationIdentity || payload.identity === args.stationIdentity) &&
    (args.transactionId === undefined ||
      args.transactionId === null ||
      ('transactionId' in payload && payload.transactionId === args.transactionId)) &&
    (args.connectorId === undefined || args.connectorId === null || ('connectorId' in payload && payload.connectorId === args.connectorId))
  );
}
