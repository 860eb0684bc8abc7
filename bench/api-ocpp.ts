// A minimal OCPP-J 1.6 station for bench/api.ts: a `ws` socket with subprotocol ocpp1.6 and HTTP Basic
// auth, CALLs matched to their CALLRESULT/CALLERROR by id. No schema checks: the bench measures evcms.
import WebSocket from 'ws';

export interface BenchStation {
  call<T = Record<string, unknown>>(action: string, payload: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function connectStation(ocppUrl: string, identity: string, password: string, timeoutMs = 10_000): Promise<BenchStation> {
  const ws = new WebSocket(`${ocppUrl.replace(/\/$/, '')}/${encodeURIComponent(identity)}`, ['ocpp1.6'], {
    headers: { authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` },
  });
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as unknown[];
    if (frame[0] === 2) {
      // evcms asking something (e.g. after boot): answer with an empty payload.
      ws.send(JSON.stringify([3, frame[1], {}]));
      return;
    }
    const waiting = pending.get(String(frame[1]));
    if (!waiting) return;
    pending.delete(String(frame[1]));
    clearTimeout(waiting.timer);
    if (frame[0] === 3) waiting.resolve(frame[2]);
    else waiting.reject(new Error(`CALLERROR ${String(frame[2])}: ${String(frame[3])}`));
  });
  ws.on('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('the socket closed'));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`OCPP upgrade refused: HTTP ${res.statusCode}`)));
  });
  let nextId = 0;
  return {
    call<T>(action: string, payload: Record<string, unknown>) {
      const id = `b${++nextId}`;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${action}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        ws.send(JSON.stringify([2, id, action, payload]));
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close(1000);
      }),
  };
}
