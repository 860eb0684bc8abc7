import { type Server, createServer } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { closeServer, listen, readBody, sendJson } from '../system/http.js';
import { serveProbe } from '../system/probes.js';
import { type ApiContext, type ApiDeps, createContext } from './context.js';
import { buildApiSchema } from './schema.js';

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

/** The GraphQL API (queries and mutations over HTTP, subscriptions over graphql-ws) plus probes. */
export async function startApi(deps: ApiDeps, options: { port?: number } = {}): Promise<ApiServer> {
  const { config, log } = deps;
  const schema = await buildApiSchema({ emit: config.NODE_ENV === 'development' });
  const apollo = new ApolloServer<ApiContext>({
    schema,
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
    plugins: [ApolloServerPluginLandingPageDisabled()],
    logger: { debug: () => {}, info: () => {}, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  await apollo.start();

  const server: Server = createServer((req, res) => {
    handle().catch((error: { status?: number; message?: string }) => {
      if (!res.headersSent) sendJson(res, error.status ?? 500, { errors: [{ message: error.status ? error.message : 'internal error' }] });
      else res.destroy();
    });
    async function handle() {
      if (await serveProbe(req, res, deps)) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'not found: the API is at /graphql' }] });
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const text = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = text;
      if (text && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createContext(deps),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') return void res.end(result.body.string);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  });

  const wss = new WebSocketServer({ server, path: '/graphql' });
  const subscriptions = useServer({ schema, context: async () => createContext(deps) }, wss);

  const port = await listen(server, options.port ?? config.API_PORT, config.HOST, 'GraphQL API');
  return {
    port,
    async close() {
      await subscriptions.dispose();
      wss.close();
      await closeServer(server);
      await apollo.stop();
    },
  };
}
