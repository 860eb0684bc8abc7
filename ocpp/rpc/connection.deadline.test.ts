import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../platform/logger.js';
import { RedisUnavailableError } from '../../platform/redis.js';
import { type CallDispatcher, MAX_WAITING_CALLS, RpcConnection } from './connection.js';
import { validatorFor } from './validator.js';

const CALLRESULT = 3;
const CALLERROR = 4;

/** A real WebSocket pair: an RpcConnection on the server end with `dispatch`, and the charger's end. */
async function aConnection(dispatch: CallDispatcher, answerWithinMs: number) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const charger = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const frames: unknown[][] = [];
  charger.on('message', (data) => frames.push(JSON.parse(String(data)) as unknown[]));
  await new Promise((resolve) => charger.once('open', resolve));
  const rpc = new RpcConnection(await accepted, 'ocpp1.6', {
    validator: validatorFor('ocpp1.6'),
    dispatch,
    handles: () => true,
    callTimeoutMs: 10_000,
    log: createLogger('silent'),
    observer: { answered() {}, called() {} },
    answerWithinMs,
  });
  const call = (action: string, payload: unknown = {}) => {
    const id = randomUUID();
    charger.send(JSON.stringify([2, id, action, payload]));
    return id;
  };
  const answers = async (count: number) => {
    const until = Date.now() + 10_000;
    while (frames.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return frames.slice(0, count);
  };
  const close = async () => {
    rpc.shutdown();
    charger.terminate();
    await new Promise((resolve) => server.close(resolve));
  };
  return { rpc, call, answers, frames, close };
}

const currentTime = () => ({ currentTime: new Date().toISOString() });

describe('RpcConnection answer deadline', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  it('answers a CALL whose handler never settles with a GenericError, then answers the next CALL', async () => {
    const connection = await aConnection((action) => (action === 'Heartbeat' ? currentTime() : new Promise(() => {})), 300);
    close = connection.close;
    const stuck = connection.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const next = connection.call('Heartbeat');
    const [first, second] = await connection.answers(2);
    expect(first).toEqual([CALLERROR, stuck, 'GenericError', 'not decided in time: retry later', { retry: true }]);
    expect(second?.slice(0, 2)).toEqual([CALLRESULT, next]);
  });

  it('drops a result that comes after its CALL was answered late, and answers the CALLs behind it in order', async () => {
    const late: Array<() => void> = [];
    const connection = await aConnection(
      (action) => (action === 'Heartbeat' ? currentTime() : new Promise((resolve) => late.push(() => resolve({})))),
      300,
    );
    close = connection.close;
    const ids = [
      connection.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' }),
      connection.call('Heartbeat'),
      connection.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' }),
    ];
    await connection.answers(2);
    while (late.length < 2) await new Promise((r) => setTimeout(r, 10));
    for (const resolve of late.splice(0)) resolve();
    const answered = await connection.answers(3);
    expect(answered.map((frame) => frame[1])).toEqual(ids);
    expect(answered.map((frame) => frame[0])).toEqual([CALLERROR, CALLRESULT, CALLRESULT]);
    await new Promise((r) => setTimeout(r, 100));
    expect(connection.frames).toHaveLength(3);
  });

  it('answers a handler that found Redis away with unavailable("Redis")', async () => {
    const connection = await aConnection(() => Promise.reject(new RedisUnavailableError('telemetry')), 300);
    close = connection.close;
    const id = connection.call('Heartbeat');
    expect(await connection.answers(1)).toEqual([
      [CALLERROR, id, 'GenericError', 'Redis is unavailable at the moment: retry later', { retry: true }],
    ]);
  });
  it('refuses at once a CALL past the ones already waiting, so a station cannot pile them up', async () => {
    const connection = await aConnection(() => new Promise(() => {}), 60_000);
    close = connection.close;
    for (let i = 0; i < MAX_WAITING_CALLS; i++) connection.call('Heartbeat');
    const extra = connection.call('Heartbeat');
    const [answer] = await connection.answers(1);
    expect(answer?.slice(0, 3)).toEqual([CALLERROR, extra, 'GenericError']);
  });
});
