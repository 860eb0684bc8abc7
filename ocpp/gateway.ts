import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { startStopJournalDrain } from '../sessions/journal-drain.js';
import type { Deps } from '../system/deps.js';
import { closeServer, listen } from '../system/http.js';
import { inTurn } from '../system/in-turn.js';
import { children } from '../system/metrics.js';
import { serveProbe } from '../system/probes.js';
import { type OcppDeps, VendorRoutes } from './handlers/define.js';
import { loadHandlers } from './handlers/load.js';
import { basicCredentials, identityFromPath, pickSubprotocol } from './handshake.js';
import { makeDispatcher } from './dispatch.js';
import { RpcConnection, type RpcObserver } from './rpc/connection.js';
import { StationOfflineError, type OcppVersion } from './rpc/errors.js';
import { WS_MAX_PAYLOAD } from './rpc/frames.js';
import { type Validator, validatorFor } from './rpc/validator.js';
import { LoginThrottle } from '../stations/login-throttle.js';
import { StationConnection } from './station-connection.js';

export interface Gateway {
  port: number;
  vendors: VendorRoutes;
  /** The newest open connection of a station. */
  connection(identity: string): StationConnection | undefined;
  connectedCount(): number;
  close(): Promise<void>;
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, reason: string, retryAfterSeconds?: number): void {
  const body = `${reason}\n`;
  const challenge = status === 401 ? 'WWW-Authenticate: Basic realm="evcms", charset="UTF-8"\r\n' : '';
  const extra = retryAfterSeconds === undefined ? challenge : `${challenge}Retry-After: ${retryAfterSeconds}\r\n`;
  // Let go once the answer is out: a client that keeps its end open must not hold the socket (and shutdown).
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** What every connection counts its messages with, and notes that its station spoke in. */
interface MessageMeters {
  messageCount: (...labels: string[]) => { inc(): void };
  handlerSeconds: (...labels: string[]) => { observe(seconds: number): void };
  presence: { touch(stationId: string): void };
}

/**
 * Counts one station's messages and notes that it spoke. Methods, not closures: tsx (esbuild's keepNames)
 * gives every named closure a property array of its own, and the three closures this replaces came to about
 * 1 KB per connection, heap that every mark-compact walks at 10,000 stations.
 */
class StationObserver implements RpcObserver {
  constructor(
    private readonly meters: MessageMeters,
    private readonly stationId: string,
    private readonly validator: Validator,
  ) {}

  answered(action: string, outcome: string, seconds: number): void {
    // An action name is the station's to choose: one outside the schemas is one label, not a label each.
    const label = this.validator.hasAction(action) ? action : 'unknown';
    this.meters.messageCount('in', label, outcome).inc();
    this.meters.handlerSeconds(label).observe(seconds);
    this.meters.presence.touch(this.stationId);
  }

  called(action: string, outcome: string): void {
    this.meters.messageCount('out', action, outcome).inc();
  }
}

/** The charger gateway: OCPP-J over WebSocket at /ocpp/{identity}. */
export async function startGateway(deps: Deps, options: { port?: number } = {}): Promise<Gateway> {
  const { config, log, metrics } = deps;
  const meters: MessageMeters = {
    messageCount: children(metrics.ocppMessages),
    handlerSeconds: children(metrics.ocppHandlerSeconds),
    presence: deps.presence,
  };
  const versions: OcppVersion[] = [];
  const handlers = new Map<OcppVersion, Awaited<ReturnType<typeof loadHandlers>>>();
  /** Per version, one function every connection of that version shares. */
  const handles = new Map<OcppVersion, (action: string) => boolean>();
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const loaded = await loadHandlers(version);
    if (loaded.size > 0) {
      versions.push(version);
      handlers.set(version, loaded);
      handles.set(version, (action) => loaded.has(action));
      validatorFor(version);
    }
  }
  const vendors = new VendorRoutes();
  const ocppDeps: OcppDeps = { ...deps, vendors };
  const byIdentity = new Map<string, StationConnection[]>();
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

  const wss = new WebSocketServer({
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

  // One station's presence changes are applied in the order they happened, so that a quick reconnect's
  // "online" (and its Redis claim) is not overtaken by the previous socket's "offline" (and release).
  const presence = inTurn();
  const inOrder = (identity: string, change: () => Promise<unknown>): Promise<void> =>
    presence(identity, change).then(
      () => {},
      (error: unknown) => log.error({ err: error, identity }, 'ocpp: could not record the station presence'),
    );

  const logins = new LoginThrottle();
  const link = (identity: string) => byIdentity.get(identity)?.find((c) => !c.rpc.closed);
  await deps.commands.attach({ link });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'ocpp: upgrade failed');
      refuse(socket, 503, 'try again later');
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const address = req.socket.remoteAddress ?? '';
    const reject = (status: number, reason: string, identity?: string | null, retryAfterSeconds?: number) => {
      metrics.ocppRejectedUpgrades.inc({ status: String(status) });
      log.info({ identity, status, reason, remote: address }, 'ocpp: upgrade refused');
      refuse(socket, status, reason, retryAfterSeconds);
    };
    if (deps.stopping) return reject(503, 'shutting down');
    const identity = identityFromPath(req.url);
    if (!identity) return reject(404, 'expected /ocpp/{identity}');
    const version = pickSubprotocol(req.headers['sec-websocket-protocol'], versions);
    if (!version) return reject(400, `no supported subprotocol offered (supported: ${versions.join(', ')})`, identity);
    // An address over its budget for this identity is refused before any password check or database read, so
    // a guessing attack costs next to nothing. Over the address's or the identity's whole budget (an attack
    // from many addresses, or chargers behind one proxy) the password is still checked: the right one gets in
    // (after a restart no address is trusted yet), a wrong one gets 429.
    const verdict = logins.check(identity, address);
    const throttled = () => {
      if (verdict.ok) return false;
      metrics.ocppThrottledLogins.inc({ limit: verdict.limit });
      reject(429, 'too many failed logins: retry later', identity, verdict.retryAfterSeconds);
      return true;
    };
    if (!verdict.ok && verdict.limit === 'pair') return void throttled();
    const credentials = basicCredentials(req);
    if (credentials && credentials.username !== identity) {
      logins.failed(identity, address);
      return throttled() ? undefined : reject(401, 'the Basic auth user must be the station identity', identity);
    }
    const admission = await deps.stations.admit(identity, credentials?.password, tls);
    if (!admission.ok) {
      if (admission.status === 401 || admission.status === 404) {
        logins.failed(identity, address);
        if (throttled()) return;
      }
      return reject(admission.status, admission.reason, identity);
    }
    logins.succeeded(identity, address);
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, admission.station, version, req));
  }

  function accept(ws: WebSocket, station: StationConnection['station'], version: OcppVersion, req: IncomingMessage): void {
    const connection = new StationConnection(station, ws, req.socket.remoteAddress ?? '');
    const connLog = log.child({ identity: station.identity });
    const validator = validatorFor(version);
    connection.rpc = new RpcConnection(ws, version, {
      validator,
      dispatch: makeDispatcher(connection, handlers.get(version) ?? new Map(), ocppDeps, connLog),
      handles: handles.get(version) ?? (() => false),
      callTimeoutMs: config.OCPP_CALL_TIMEOUT * 1000,
      log: connLog,
      observer: new StationObserver(meters, station.id, validator),
    });
    const list = byIdentity.get(station.identity) ?? [];
    const firstSocket = list.length === 0;
    // The newest socket takes over at once; an older one stays until it closes or fails its ping.
    list.unshift(connection);
    slots[nextSlot++ % slots.length]?.add(connection);
    byIdentity.set(station.identity, list);
    metrics.ocppConnections.inc();
    connLog.info({ version, remote: connection.remoteAddress, sockets: list.length }, 'ocpp: station connected');
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('close', () => void closed(connection));
    ws.on('error', (error) => connLog.warn({ err: error }, 'ocpp: socket error'));
    void inOrder(station.identity, () =>
      firstSocket
        ? Promise.all([deps.presence.setOnline(station, true, deps.nodeId), deps.commands.claim(station.identity)])
        : deps.commands.claim(station.identity),
    );
  }

  async function closed(connection: StationConnection): Promise<void> {
    if (connection.released) return;
    connection.released = true;
    connection.rpc.shutdown(new StationOfflineError(`station ${connection.identity} disconnected`));
    metrics.ocppConnections.dec();
    const list = (byIdentity.get(connection.identity) ?? []).filter((c) => c !== connection);
    if (list.length > 0) {
      byIdentity.set(connection.identity, list);
      return;
    }
    byIdentity.delete(connection.identity);
    deps.sessions.forgetStation(connection.station.id);
    log.info({ identity: connection.identity }, 'ocpp: station offline');
    await inOrder(connection.identity, () =>
      Promise.all([deps.presence.setOnline(connection.station, false, deps.nodeId), deps.commands.release(connection.identity)]),
    );
  }

  // Each socket is pinged once per interval; one that did not answer the previous ping is dropped.
  // The sockets are spread over slots pinged in turn, one every 100 ms (300 for the default 30 s), so the
  // pings (a socket write each, and the pongs they bring back) never hold the loop for long: at 10,000
  // stations, ten slots meant 1,000 writes in one timer callback, a 10 to 20 ms stall every 3 s.
  const slots = Array.from({ length: Math.max(10, Math.round(config.OCPP_PING_INTERVAL * 10)) }, () => new Set<StationConnection>());
  let slotTurn = 0;
  const pinger = setInterval(
    () => {
      const slot = slots[slotTurn++ % slots.length] as Set<StationConnection>;
      for (const connection of slot) {
        if (connection.released) {
          slot.delete(connection);
        } else if (!connection.alive) {
          log.info({ identity: connection.identity }, 'ocpp: no pong; dropping the socket');
          slot.delete(connection);
          connection.socket.terminate();
        } else {
          connection.alive = false;
          connection.socket.ping();
        }
      }
    },
    (config.OCPP_PING_INTERVAL * 1000) / slots.length,
  );
  let nextSlot = 0;

  // Presence and live session figures are written behind, in one statement each.
  const flusher = setInterval(() => {
    void Promise.all([deps.presence.flush(), deps.sessions.flushLive()]).catch((error: unknown) =>
      log.error({ err: error }, 'ocpp: write-behind flush failed'),
    );
  }, config.WRITE_BEHIND_INTERVAL * 1000);

  const port = await listen(server, options.port ?? config.OCPP_PORT, config.HOST, 'OCPP gateway', {
    // Several gateway processes on one port: each binds with SO_REUSEPORT (all must) and the kernel spreads the connections.
    reusePort: config.OCPP_REUSE_PORT,
  }).catch((error: unknown) => {
    clearInterval(pinger);
    clearInterval(flusher);
    void deps.commands.detach().catch(() => {});
    throw error;
  });
  // StopTransactions journalled while PostgreSQL was away are applied once it is back, by whichever gateway gets the lock.
  const stopJournal = startStopJournalDrain(deps);

  return {
    port,
    vendors,
    connection: link,
    connectedCount: () => [...byIdentity.values()].reduce((n, l) => n + l.length, 0),
    async close() {
      clearInterval(pinger);
      clearInterval(flusher);
      await stopJournal.close();
      const all = [...byIdentity.values()].flat();
      // Answer what is in flight, then say goodbye (1001 going away) so chargers reconnect elsewhere.
      await Promise.race([Promise.all(all.map((c) => c.rpc.drained())), new Promise((r) => setTimeout(r, 3000))]);
      const closing = all.map(
        (c) => new Promise<void>((r) => (c.socket.readyState === c.socket.CLOSED ? r() : c.socket.once('close', () => r()))),
      );
      for (const c of all) c.socket.close(1001, 'server shutting down');
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000))]);
      for (const c of all) c.socket.terminate();
      await Promise.all(all.map((c) => closed(c).catch(() => {})));
      // The last presence writes finish before the connections they need are closed.
      await Promise.all(presence.pending());
      await deps.commands.detach().catch((error: unknown) => log.warn({ err: error }, 'ocpp: could not leave the node list'));
      wss.close();
      await closeServer(server);
      await Promise.all([deps.presence.flush(), deps.sessions.flushLive()]).catch(() => {});
    },
  };
}
