import type { EventBus } from '../events/bus.js';
import type { EventMap } from '../events/topics.js';
import type { Request, SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; events: EventBus };

export interface RemoteStartResult {
  status: 'Accepted' | 'Rejected';
  /** The session the station started; null when it did not within the wait. */
  sessionId: string | null;
  /** Its protocol key (1.6: the transactionId evcms issued). */
  transactionId: string | null;
}

/**
 * RemoteStartTransaction, then waits for the station's StartTransaction with that idTag so the caller
 * gets the session back, not only "Accepted".
 */
export async function remoteStart(
  deps: Deps,
  identity: string,
  request: Request<'RemoteStartTransaction'>,
  options: SendOptions & { waitForSessionMs?: number } = {},
): Promise<RemoteStartResult> {
  let resolveStarted: (event: EventMap['session.started']) => void = () => {};
  const started = new Promise<EventMap['session.started']>((resolve) => {
    resolveStarted = resolve;
  });
  const unsubscribe = await deps.events.subscribe('session.started', (event) => {
    if (
      event.identity === identity &&
      event.idTag === request.idTag &&
      (!request.connectorId || event.connectorId === request.connectorId)
    ) {
      resolveStarted(event);
    }
  });
  try {
    const response = await deps.commands.send(identity, 'RemoteStartTransaction', request, options);
    if (response.status !== 'Accepted') return { status: response.status, sessionId: null, transactionId: null };
    const waitMs = options.waitForSessionMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const event = await Promise.race([started, new Promise<null>((r) => (timer = setTimeout(() => r(null), waitMs)))]);
    clearTimeout(timer);
    return { status: 'Accepted', sessionId: event?.sessionId ?? null, transactionId: event?.transactionId ?? null };
  } finally {
    unsubscribe();
  }
}
