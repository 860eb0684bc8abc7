import { type IncomingMessage, type Server, createServer } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { closeServer, listen, sendJson } from '../system/http.js';
import { serveProbe } from '../system/probes.js';
import { type ApiContext, type ApiDeps, authenticate, createContext } from './context.js';
import { ApiError, formatError, formatForSocket } from './errors.js';
import { ideHtml } from './ide.js';
import { defaultQueryLimits, parseOptions, parseWithinLimits } from './limits.js';
import { LiveAccess } from './live-access.js';
import { LiveCredentials } from './live-credentials.js';
import { bridgeEvents, createApiPubSub } from './pubsub.js';
import { guardSubscription, queryGuardPlugin } from './query-guard.js';
import { readBodyWithin, refuseLargeBody } from './request-body.js';
import { buildApiSchema } from './schema.js';
import { sharedSubscribe } from './shared-subscribe.js';

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

const clientIp = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The GraphQL API (queries and mutations over HTTP, subscriptions over graphql-ws) plus probes. */
export async function startApi(deps: ApiDeps, options: { port?: number } = {}): Promise<ApiServer> {
  const { config, log } = deps;
  const development = config.NODE_ENV === 'development';
  const pubSub = createApiPubSub();
  const schema = await buildApiSchema({ emit: development, pubSub });
  const stopBridge = await bridgeEvents(deps.events, pubSub);
  const live = new LiveAccess(deps.orm);
  const limits = defaultQueryLimits(config.API_MAX_QUERY_BYTES);
  const formatting = { development, log };
  const apollo = new ApolloServer<ApiContext>({
    schema,
    parseOptions: parseOptions(limits),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, formatting),
    // No cache hints in this schema: without the cache-control plugin, Apollo does not wrap every field's resolver.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), queryGuardPlugin(limits)],
    logger: { debug: () => {}, info: () => {}, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  await apollo.start();
  /** The limits up to the document's shape, before Apollo parses and validates it; the refusal, if any. */
  const checkDocument = (body: unknown, url: URL): ApiError | null => {
    const query = body && typeof body === 'object' ? (body as { query?: unknown }).query : url.searchParams.get('query');
    if (typeof query !== 'string' || !query) return null; // Apollo says what is missing
    try {
      parseWithinLimits(query, limits);
      return null;
    } catch (error) {
      if (error instanceof ApiError) return error;
      return null; // a syntax error: Apollo reports it, with its location
    }
  };

  const server: Server = createServer((req, res) => {
    handle().catch((error: { status?: number; message?: string }) => {
      if (!res.headersSent) sendJson(res, error.status ?? 500, { errors: [{ message: error.status ? error.message : 'internal error' }] });
      else res.destroy();
    });
    async function handle() {
      if (await serveProbe(req, res, deps)) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'not found: the API is at /graphql' }] });
      if (req.method === 'GET' && !url.search && (req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self' 'unsafe-inline'" });
        return void res.end(ideHtml);
      }
      let principal: ApiContext['principal'];
      try {
        principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return sendJson(res, 401, { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const text = req.method === 'POST' ? await readBodyWithin(req) : '';
      if (text === null) return refuseLargeBody(req, res);
      let body: unknown = text;
      if (text && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      const refused = checkDocument(body, url);
      if (refused) return sendJson(res, 400, { errors: [formatError(refused.toJSON(), refused, formatting)] });
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createContext(deps, principal, clientIp(req), live),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') return void res.end(result.body.string);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  });

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

  const port = await listen(server, options.port ?? config.API_PORT, config.HOST, 'GraphQL API');
  return {
    port,
    async close() {
      stopBridge();
      signedIn.stop();
      await subscriptions.dispose();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
      await closeServer(server);
      await apollo.stop();
    },
  };
}
