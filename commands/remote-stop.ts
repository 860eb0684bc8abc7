import type { EventBus } from '../events/bus.js';
import type { EventMap } from '../events/topics.js';
import type { SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; events: EventBus };

export interface RemoteStopResult {
  status: 'Accepted' | 'Rejected';
  /** Whether the station's StopTransaction ended the session within the wait. */
  ended: boolean;
}

/**
 * RemoteStopTransaction, then waits for the station's StopTransaction to end the session, so the caller
 * gets the finished session back, not only "Accepted".
 */
export async function remoteStop(
  deps: Deps,
  identity: string,
  session: { sessionId: string; transactionId: string },
  options: SendOptions & { waitForEndMs?: number } = {},
): Promise<RemoteStopResult> {
  let resolveEnded: (event: EventMap['session.ended']) => void = () => {};
  const ended = new Promise<EventMap['session.ended']>((resolve) => {
    resolveEnded = resolve;
  });
  const unsubscribe = await deps.events.subscribe('session.ended', (event) => {
    if (event.sessionId === session.sessionId) resolveEnded(event);
  });
  try {
    // OCPP 1.6 names the session by the int32 evcms issued for it.
    const request = { transactionId: Number(session.transactionId) };
    const response = await deps.commands.send(identity, 'RemoteStopTransaction', request, options);
    if (response.status !== 'Accepted') return { status: response.status, ended: false };
    let timer: NodeJS.Timeout | undefined;
    const event = await Promise.race([
      ended,
      new Promise<null>((r) => (timer = setTimeout(() => r(null), options.waitForEndMs ?? 60_000))),
    ]);
    clearTimeout(timer);
    return { status: 'Accepted', ended: event !== null };
  } finally {
    unsubscribe();
  }
}
