import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type ApiContext, type ApiDeps, authenticate, createContext } from './context.js';
import { ApiError, type FormatOptions, formatForSocket } from './errors.js';
import type { QueryLimits } from './limits.js';
import type { LiveAccess } from './live-access.js';
import { LiveCredentials } from './live-credentials.js';
import { guardSubscription } from './query-guard.js';
import { sharedSubscribe } from './shared-subscribe.js';

export interface SubscriptionParts {
  deps: ApiDeps;
  schema: GraphQLSchema;
  limits: QueryLimits;
  formatting: FormatOptions;
  live: LiveAccess;
}

/**
 * Subscriptions over graphql-ws at /graphql on the API's server: the credential comes with the connection
 * and is checked again while it stays open; each subscription is checked against the limits as over HTTP.
 */
export function startSubscriptions(server: Server, parts: SubscriptionParts): { close(): Promise<void> } {
  const { deps, schema, limits, formatting, live } = parts;
  const { config, log } = deps;
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const signedIn = new LiveCredentials(
    async (credential) => {
      try {
        return (await authenticate(deps, credential.authorization, credential.apiKey)) !== null;
      } catch (error) {
        // Only a credential found invalid ends a connection; a database or Redis outage does not.
        return !(error instanceof ApiError);
      }
    },
    config.SUBSCRIPTION_RECHECK_INTERVAL * 1000,
    log,
  );
  const subscriptions = useServer(
    {
      schema,
      subscribe: sharedSubscribe,
      // Parsed, checked against the limits and validated here; the refusals as over HTTP.
      onSubscribe: (_ctx, _id, payload) => {
        try {
          const checked = guardSubscription(schema, limits, payload);
          return 'errors' in checked ? formatForSocket(checked.errors, formatting) : { schema, ...checked };
        } catch (error) {
          return formatForSocket([error], formatting);
        }
      },
      // The credential comes in connectionParams: { authorization: 'Bearer ...' } (or { apiKey }).
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const credential = { authorization: params.authorization as string | undefined, apiKey: params.apiKey as string | undefined };
        try {
          const principal = await authenticate(deps, credential.authorization, credential.apiKey);
          (ctx.extra as { principal?: unknown }).principal = principal;
          if (principal) signedIn.add(ctx.extra.socket, credential);
          return true;
        } catch {
          return false;
        }
      },
      context: async (ctx) =>
        createContext(
          deps,
          ((ctx.extra as { principal?: ApiContext['principal'] }).principal ?? null) as ApiContext['principal'],
          'ws',
          live,
        ),
    },
    wss,
  );
  return {
    async close() {
      signedIn.stop();
      await subscriptions.dispose();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
