import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Deps } from '../system/deps.js';
import { serveProbe } from '../platform/probes.js';

/**
 * The gateway's HTTP server: TLS when a certificate and key are configured (TLS 1.2 at least), the health
 * probes, and 426 for any other plain request. Upgrades are the caller's to handle.
 */
export function createGatewayServer(deps: Deps): { server: Server; tls: boolean } {
  const { config } = deps;
  const tls = Boolean(config.OCPP_TLS_CERT && config.OCPP_TLS_KEY);
  const server: Server = tls
    ? createHttpsServer({
        cert: readFileSync(config.OCPP_TLS_CERT as string),
        key: readFileSync(config.OCPP_TLS_KEY as string),
        minVersion: 'TLSv1.2',
      })
    : createServer();
  server.on('request', (req, res) => {
    serveProbe(req, res, deps)
      .then((served) => {
        if (served) return;
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('connect a charger with a WebSocket to /ocpp/{identity}\n');
      })
      .catch(() => res.destroy());
  });
  return { server, tls };
}
