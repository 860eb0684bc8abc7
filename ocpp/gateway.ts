import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { startStopJournalDrain } from '../sessions/journal-drain.js';
import type { Deps } from '../system/deps.js';
import { closeServer, listen } from '../platform/http.js';
import { admission } from './admission.js';
import { StationConnections } from './connections.js';
import { createGatewayServer } from './gateway-server.js';
import { type OcppDeps, VendorRoutes } from './handlers/define.js';
import { pickSubprotocol } from './handshake.js';
import { loadProtocols } from './protocols.js';
import type { OcppVersion } from './rpc/errors.js';
import { WS_MAX_PAYLOAD } from './rpc/frames.js';
import type { StationConnection } from './station-connection.js';
import { refuse } from './upgrade-refusal.js';

export interface Gateway {
  port: number;
  vendors: VendorRoutes;
  /** The newest open connection of a station. */
  connection(identity: string): StationConnection | undefined;
  connectedCount(): number;
  close(): Promise<void>;
}

/** The WebSocket side: frames up to the hard cap, no compression, the subprotocol echoed as the charger spelled it. */
function webSocketServer(versions: OcppVersion[]): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    // Frames up to the hard cap reach the RPC layer, which answers those over MAX_FRAME_BYTES with a CALLERROR.
    maxPayload: WS_MAX_PAYLOAD,
    perMessageDeflate: false,
    // A text frame that is not UTF-8 gets a CALLERROR from the RPC layer; ws would close the connection (1007).
    skipUTF8Validation: true,
    // Echo the version as the charger spelled it ("OCPP1.6"): the answer must be one of the offered values.
    handleProtocols: (protocols) => {
      const version = pickSubprotocol([...protocols].join(','), versions);
      return [...protocols].find((p) => p.trim().toLowerCase() === version) ?? false;
    },
  });
}

/** The charger gateway: OCPP-J over WebSocket at /ocpp/{identity}. */
export async function startGateway(deps: Deps, options: { port?: number } = {}): Promise<Gateway> {
  const { config, log } = deps;
  const protocols = await loadProtocols();
  const vendors = new VendorRoutes();
  const ocppDeps: OcppDeps = { ...deps, vendors };
  const { server, tls } = createGatewayServer(deps);
  const wss = webSocketServer(protocols.versions);
  const connections = new StationConnections(deps, ocppDeps, protocols);
  await deps.commands.attach({ link: connections.link });

  const upgrade = admission(deps, {
    versions: protocols.versions,
    tls,
    wss,
    accept: (ws, station, version, req) => connections.accept(ws, station, version, req),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'ocpp: upgrade failed');
      refuse(socket, 503, 'try again later');
    });
  });

  // A session ended elsewhere (the API, the maintenance sweep, another node) leaves this node's cache of open ones.
  const forgetEnded = await deps.events.subscribe('session.ended', (event) => {
    deps.sessions.forgetOpen(event.stationId, event.transactionId);
  });

  // Presence and live session figures are written behind, in one statement each.
  const flush = () => Promise.all([deps.presence.flush(), deps.sessions.flushLive()]);
  const flusher = setInterval(() => {
    void flush().catch((error: unknown) => log.error({ err: error }, 'ocpp: write-behind flush failed'));
  }, config.WRITE_BEHIND_INTERVAL * 1000);

  const port = await listen(server, options.port ?? config.OCPP_PORT, config.HOST, 'OCPP gateway', {
    // Several gateway processes on one port: each binds with SO_REUSEPORT (all must) and the kernel spreads the connections.
    reusePort: config.OCPP_REUSE_PORT,
  }).catch((error: unknown) => {
    connections.stopPinging();
    clearInterval(flusher);
    forgetEnded();
    void deps.commands.detach().catch(() => {});
    throw error;
  });
  // StopTransactions journalled while PostgreSQL was away are applied once it is back, by whichever gateway gets the lock.
  const stopJournal = startStopJournalDrain(deps);

  return {
    port,
    vendors,
    connection: connections.link,
    connectedCount: () => connections.count(),
    async close() {
      connections.stopPinging();
      clearInterval(flusher);
      forgetEnded();
      await stopJournal.close();
      await connections.closeAll();
      await deps.commands.detach().catch((error: unknown) => log.warn({ err: error }, 'ocpp: could not leave the node list'));
      wss.close();
      await closeServer(server);
      await flush().catch(() => {});
    },
  };
}
