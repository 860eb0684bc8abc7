import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { WebSocketServer, WebSocket } from 'ws';
import { RpcConnection } from './connection.js';
import { validatorFor } from './validator.js';

describe('RpcConnection', () => {
  it('answers InternalError under its id to a frame whose handling throws, and serves the next', async () => {
    const server = new WebSocketServer({ port: 0 });
    const port = await new Promise<number>((resolve) =>
      server.once('listening', () => resolve((server.address() as { port: number }).port)),
    );
    const silent = pino({ level: 'silent' });
    // A fault outside any handler: the logger breaks on the debug line a binary frame writes.
    const log = Object.assign(Object.create(silent), {
      debug() {
        throw new TypeError('the logger broke');
      },
    }) as typeof silent;
    server.on('connection', (socket) => {
      new RpcConnection(socket, 'ocpp1.6', {
        validator: validatorFor('ocpp1.6'),
        dispatch: () => ({ currentTime: new Date().toISOString() }),
        handles: (action) => action === 'Heartbeat',
        callTimeoutMs: 1000,
        log,
        observer: { answered() {}, called() {} },
      });
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`, 'ocpp1.6');
    const answers: unknown[][] = [];
    client.on('message', (data) => answers.push(JSON.parse(String(data)) as unknown[]));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(Buffer.from('[2,"m-binary","Heartbeat",{}]'), { binary: true });
    client.send('[2,"m-text","Heartbeat",{}]');
    await expect.poll(() => answers.length).toBe(2);
    expect(answers[0]?.slice(0, 3)).toEqual([4, 'm-binary', 'InternalError']);
    expect(answers[0]?.[3]).not.toMatch(/logger|TypeError|\n\s+at /);
    expect(answers[1]?.slice(0, 2)).toEqual([3, 'm-text']);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.terminate();
    server.close();
  });
});
