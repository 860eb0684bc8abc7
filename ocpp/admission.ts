import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { LoginThrottle } from '../stations/login-throttle.js';
import type { Deps } from '../system/deps.js';
import { basicCredentials, identityFromPath, pickSubprotocol } from './handshake.js';
import type { OcppVersion } from './rpc/errors.js';
import type { StationConnection } from './station-connection.js';
import { refuse } from './upgrade-refusal.js';

export type Accept = (ws: WebSocket, station: StationConnection['station'], version: OcppVersion, req: IncomingMessage) => void;

/**
 * Decides a WebSocket upgrade: the path names a station, a supported subprotocol is offered, the login is
 * neither throttled nor wrong, and the station is admitted; then the socket is upgraded and handed to `accept`.
 * Any refusal is an HTTP answer, counted and logged.
 */
export function admission(
  deps: Deps,
  options: { versions: OcppVersion[]; tls: boolean; wss: WebSocketServer; accept: Accept },
): (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> {
  const { log, metrics } = deps;
  const { versions, tls, wss, accept } = options;
  const logins = new LoginThrottle();
  return async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
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
    // One budget per station, however the identity is spelt: identities are told apart ignoring case.
    const throttleKey = identity.toLowerCase();
    const verdict = logins.check(throttleKey, address);
    const throttled = () => {
      if (verdict.ok) return false;
      metrics.ocppThrottledLogins.inc({ limit: verdict.limit });
      reject(429, 'too many failed logins: retry later', identity, verdict.retryAfterSeconds);
      return true;
    };
    if (!verdict.ok && verdict.limit === 'pair') return void throttled();
    const credentials = basicCredentials(req);
    if (credentials && credentials.username !== identity) {
      logins.failed(throttleKey, address);
      return throttled() ? undefined : reject(401, 'the Basic auth user must be the station identity', identity);
    }
    const admission = await deps.stations.admit(identity, credentials?.password, tls);
    if (!admission.ok) {
      if (admission.status === 401 || admission.status === 404) {
        logins.failed(throttleKey, address);
        if (throttled()) return;
      }
      return reject(admission.status, admission.reason, identity);
    }
    logins.succeeded(throttleKey, address);
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, admission.station, version, req));
  };
}
