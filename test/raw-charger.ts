import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { TestSystem } from './system.js';

/** Tests of the gateway only: a bare WebSocket charger that sends and sees exact frames. */

export interface UpgradeOptions {
  protocols?: string[];
  /** Sent as HTTP Basic credentials. */
  basic?: { username: string; password: string };
  autoPong?: boolean;
}

/** How the gateway answered an upgrade: the HTTP status, and the socket when it upgraded. */
export type UpgradeAnswer =
  | { status: 101; protocol: string; ws: WebSocket }
  | { status: number; protocol?: undefined; ws?: undefined; challenge?: string | undefined };

export function tryUpgrade(system: TestSystem, path: string, options: UpgradeOptions = {}): Promise<UpgradeAnswer> {
  const headers: Record<string, string> = {};
  if (options.basic) {
    headers.authorization = `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
  }
  const ws = new WebSocket(`${system.ocppUrl}${path}`, options.protocols ?? ['ocpp1.6'], { headers, autoPong: options.autoPong ?? true });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, protocol: ws.protocol, ws }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      const challenge = res.headers['www-authenticate'];
      resolve({ status: res.statusCode ?? 0, ...(challenge ? { challenge } : {}) });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

export interface RawCharger {
  ws: WebSocket;
  /** Sends text as is, or anything else as JSON. */
  send(frame: unknown): void;
  /** The next frame evcms sends (parsed), waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<unknown[]>;
  /** Fails when evcms sends anything within `ms`. */
  expectSilence(ms?: number): Promise<void>;
  /** Sends a CALL under a fresh id and resolves to evcms' answer to it. */
  call(action: string, payload: unknown): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Connects a bare WebSocket charger for a station evcms knows. */
export async function connectRaw(
  system: TestSystem,
  station: { identity: string; password: string | null },
  options: { autoPong?: boolean } = {},
): Promise<RawCharger> {
  const answer = await tryUpgrade(system, encodeURIComponent(station.identity), {
    ...(station.password ? { basic: { username: station.identity, password: station.password } } : {}),
    ...options,
  });
  if (!answer.ws) throw new Error(`upgrade refused with HTTP ${answer.status}`);
  return rawCharger(answer.ws);
}

function rawCharger(ws: WebSocket): RawCharger {
  const received: unknown[][] = [];
  const waiters: Array<(frame: unknown[]) => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as unknown[];
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else received.push(frame);
  });
  const next = (timeoutMs = 3000) => {
    const queued = received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<unknown[]>((resolve, reject) => {
      const waiter = (frame: unknown[]) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no frame from evcms within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  const send = (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return {
    ws,
    send,
    next,
    async expectSilence(ms = 300) {
      const frame = await next(ms).catch(() => null);
      if (frame) throw new Error(`expected no frame, got ${JSON.stringify(frame)}`);
    },
    async call(action, payload) {
      const id = randomUUID();
      send([2, id, action, payload]);
      const frame = await next();
      if (frame[1] !== id) throw new Error(`expected the answer to ${id}, got ${JSON.stringify(frame)}`);
      return frame;
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      const closed = new Promise((r) => ws.once('close', r));
      ws.close();
      const timer = setTimeout(() => ws.terminate(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Whether evcms has the station online, as the station table says. */
export async function isOnline(system: TestSystem, identity: string): Promise<boolean> {
  const rows = await system.deps.orm.em.fork().getConnection().execute('select online from station where identity = ?', [identity]);
  return (rows[0] as { online: boolean } | undefined)?.online ?? false;
}
