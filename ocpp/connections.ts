import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Deps } from '../system/deps.js';
import { inTurn } from '../platform/in-turn.js';
import { makeDispatcher } from './dispatch.js';
import type { OcppDeps } from './handlers/define.js';
import { Pinger } from './pinger.js';
import type { Protocols } from './protocols.js';
import { RpcConnection } from './rpc/connection.js';
import { type OcppVersion, StationOfflineError } from './rpc/errors.js';
import { validatorFor } from './rpc/validator.js';
import { StationJournal } from './message-journal.js';
import { StationConnection } from './station-connection.js';
import { type MessageMeters, messageMeters, StationObserver } from './station-observer.js';

/**
 * The gateway's open connections by station identity, newest first: a connection is taken in, pinged,
 * and let go, and the station's presence and command claim follow the first socket in and the last out.
 */
export class StationConnections {
  private readonly byIdentity = new Map<string, StationConnection[]>();
  private readonly meters: MessageMeters;
  private readonly pinger: Pinger;
  // One station's presence changes are applied in the order they happened, so that a quick reconnect's
  // "online" (and its Redis claim) is not overtaken by the previous socket's "offline" (and release).
  private readonly presence = inTurn();

  constructor(
    private readonly deps: Deps,
    private readonly ocppDeps: OcppDeps,
    private readonly protocols: Protocols,
  ) {
    this.meters = messageMeters(deps);
    this.pinger = new Pinger(deps.config.OCPP_PING_INTERVAL, deps.log);
  }

  /** The newest open connection of a station. */
  readonly link = (identity: string): StationConnection | undefined => this.byIdentity.get(identity)?.find((c) => !c.rpc.closed);

  count(): number {
    return [...this.byIdentity.values()].reduce((n, l) => n + l.length, 0);
  }

  /** Takes in an upgraded socket of an admitted station. */
  accept(ws: WebSocket, station: StationConnection['station'], version: OcppVersion, req: IncomingMessage): void {
    const { deps } = this;
    const connection = new StationConnection(station, ws, req.socket.remoteAddress ?? '');
    const connLog = deps.log.child({ identity: station.identity });
    const validator = validatorFor(version);
    connection.rpc = new RpcConnection(ws, version, {
      validator,
      dispatch: makeDispatcher(connection, this.protocols.handlers.get(version) ?? new Map(), this.ocppDeps, connLog),
      handles: this.protocols.handles.get(version) ?? (() => false),
      callTimeoutMs: deps.config.OCPP_CALL_TIMEOUT * 1000,
      log: connLog,
      observer: new StationObserver(this.meters, station.id, validator),
      journal: deps.messageLog && new StationJournal(deps.messageLog, station.identity, deps.config.OCPP_LOG_PAYLOAD_DAYS > 0),
    });
    const list = this.byIdentity.get(station.identity) ?? [];
    const firstSocket = list.length === 0;
    // The newest socket takes over at once; an older one stays until it closes or fails its ping.
    list.unshift(connection);
    this.pinger.add(connection);
    this.byIdentity.set(station.identity, list);
    deps.metrics.ocppConnections.inc();
    connLog.info({ version, remote: connection.remoteAddress, sockets: list.length }, 'ocpp: station connected');
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('close', () => void this.closed(connection));
    ws.on('error', (error) => connLog.warn({ err: error }, 'ocpp: socket error'));
    void this.inOrder(station.identity, () =>
      firstSocket
        ? Promise.all([deps.presence.setOnline(station, true, deps.nodeId), deps.commands.claim(station.identity)])
        : deps.commands.claim(station.identity),
    );
  }

  /** Lets go of a connection (once); the station goes offline when it was its last. */
  async closed(connection: StationConnection): Promise<void> {
    if (connection.released) return;
    const { deps } = this;
    connection.released = true;
    connection.rpc.shutdown(new StationOfflineError(`station ${connection.identity} disconnected`));
    deps.metrics.ocppConnections.dec();
    const list = (this.byIdentity.get(connection.identity) ?? []).filter((c) => c !== connection);
    if (list.length > 0) {
      this.byIdentity.set(connection.identity, list);
      return;
    }
    this.byIdentity.delete(connection.identity);
    deps.sessions.forgetStation(connection.station.id);
    deps.log.info({ identity: connection.identity }, 'ocpp: station offline');
    await this.inOrder(connection.identity, () =>
      Promise.all([deps.presence.setOnline(connection.station, false, deps.nodeId), deps.commands.release(connection.identity)]),
    );
  }

  stopPinging(): void {
    this.pinger.stop();
  }

  /** Answers what is in flight, says goodbye (1001 going away) so chargers reconnect elsewhere, and lets every socket go. */
  async closeAll(): Promise<void> {
    this.pinger.stop();
    const all = [...this.byIdentity.values()].flat();
    await Promise.race([Promise.all(all.map((c) => c.rpc.drained())), new Promise((r) => setTimeout(r, 3000))]);
    const closing = all.map(
      (c) => new Promise<void>((r) => (c.socket.readyState === c.socket.CLOSED ? r() : c.socket.once('close', () => r()))),
    );
    for (const c of all) c.socket.close(1001, 'server shutting down');
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000))]);
    for (const c of all) c.socket.terminate();
    await Promise.all(all.map((c) => this.closed(c).catch(() => {})));
    // The last presence writes finish before the connections they need are closed.
    await Promise.all(this.presence.pending());
  }

  private inOrder(identity: string, change: () => Promise<unknown>): Promise<void> {
    return this.presence(identity, () => this.retried(identity, change)).then(
      () => {},
      (error: unknown) => this.deps.log.error({ err: error, identity }, 'ocpp: could not record the station presence'),
    );
  }

  /**
   * A presence change, tried again while PostgreSQL is busy or briefly away (a storm of 10,000 connects times
   * its pool out): a station left marked offline while connected, or online once gone, would stay so. The
   * changes are idempotent, and the later ones of the station wait in turn. Not retried once shutdown began.
   */
  private async retried(identity: string, change: () => Promise<unknown>): Promise<unknown> {
    for (const pauseMs of PRESENCE_RETRY_MS) {
      try {
        return await change();
      } catch (error) {
        if (this.deps.stopping) throw error;
        this.deps.log.warn({ err: error, identity, retryInMs: pauseMs }, 'ocpp: station presence not recorded yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
    return change();
  }
}

/** The pauses between tries of a presence change: seven tries over about 16 s. */
const PRESENCE_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000];
