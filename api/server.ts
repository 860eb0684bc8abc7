import { type Server, createServer } from 'node:http';
import { closeServer, listen } from '../platform/http.js';
import { startApollo } from './apollo.js';
import type { ApiDeps } from './context.js';
import { startFtpUploads } from './ftp-server.js';
import { httpHandler } from './http-handler.js';
import { defaultQueryLimits } from './limits.js';
import { LiveAccess } from './live-access.js';
import { bridgeEvents, createApiPubSub } from './pubsub.js';
import { buildApiSchema } from './schema.js';
import { startSubscriptions } from './subscriptions.js';

export interface ApiServer {
  port: number;
  /** The FTP upload server's port, when FTP_PORT is set. */
  ftpPort: number | null;
  close(): Promise<void>;
}

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
  const apollo = await startApollo(schema, limits, formatting, log);
  const server: Server = createServer(httpHandler({ deps, apollo, limits, formatting, live }));
  const subscriptions = startSubscriptions(server, { deps, schema, limits, formatting, live });

  const port = await listen(server, options.port ?? config.API_PORT, config.HOST, 'GraphQL API');
  if (config.API_PORT === 0 && !config.API_URL) deps.maintenance.useHttpBase(`http://${config.PUBLIC_HOST}:${port}`);
  const ftp =
    config.FTP_PORT === undefined
      ? null
      : await startFtpUploads({
          host: config.HOST,
          port: config.FTP_PORT,
          publicHost: config.PUBLIC_HOST,
          diagnostics: deps.maintenance.diagnostics,
          log,
        });
  return {
    port,
    ftpPort: ftp?.port ?? null,
    async close() {
      await ftp?.close();
      stopBridge();
      await subscriptions.close();
      await closeServer(server);
      await apollo.stop();
    },
  };
}
