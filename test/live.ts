import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from './system.js';

/** One subscription's results: the data received, and the errors it ended with. */
export interface LiveFeed<T = Record<string, unknown>> {
  received: T[];
  errors: Array<{ message: string; extensions?: { code?: string } }>;
  /** Resolves to the first result that matches, waiting up to `timeoutMs`. */
  next(match?: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): void;
}

/** A graphql-ws client of the API at `apiUrl` (http://host:port), signed in with `credential` when given. */
export function liveClient(apiUrl: string, credential?: string): Client {
  return createClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
  });
}

/**
 * Subscribes and resolves once the server has had time to start the subscription (graphql-ws does
 * not acknowledge a subscribe; events published before the server subscribed would be missed).
 */
export async function subscribe<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  settleMs = 300,
): Promise<LiveFeed<T>> {
  const received: T[] = [];
  const errors: LiveFeed['errors'] = [];
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.data) received.push(result.data as T);
        if (result.errors) errors.push(...(result.errors as LiveFeed['errors']));
      },
      error: (error) => {
        errors.push(
          ...(Array.isArray(error)
            ? error
            : [{ message: String((error as { reason?: string }).reason ?? (error as Error).message ?? error) }]),
        );
      },
      complete: () => {},
    },
  );
  await new Promise((r) => setTimeout(r, settleMs));
  return {
    received,
    errors,
    next: (match = () => true, timeoutMs = 5000) => eventually(() => received.find(match), timeoutMs),
    stop,
  };
}
