import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { fragmentsArrayOf, reuseFragmentsArray } from './fragments.js';

describe('reuseFragmentsArray (ws Receiver internals)', () => {
  let server: WebSocketServer;
  let url: string;
  const received: Array<{ text: string; sameArray: boolean; emptyAfter: boolean }> = [];

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (socket) => {
      const reuse = reuseFragmentsArray(socket);
      const first = fragmentsArrayOf(socket);
      socket.on('message', (data: Buffer) => {
        reuse(data);
        const now = fragmentsArrayOf(socket);
        received.push({ text: data.toString('utf8'), sameArray: now === first, emptyAfter: Array.isArray(now) && now.length === 0 });
        socket.send(`echo:${data.toString('utf8')}`);
      });
    });
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it("finds ws's fields (fails when a ws upgrade changes them, so the workaround is not silently lost)", async () => {
    const client = new WebSocket(url);
    await once(client, 'open');
    const [socket] = [...server.clients];
    expect(Array.isArray(fragmentsArrayOf(socket as WebSocket))).toBe(true);
    client.close();
    await once(client, 'close');
  });

  it('hands the same emptied array back after every message, whole and fragmented messages intact', async () => {
    received.length = 0;
    const client = new WebSocket(url);
    await once(client, 'open');
    const echoes: string[] = [];
    client.on('message', (data: Buffer) => echoes.push(data.toString('utf8')));
    client.send('[2,"1","Heartbeat",{}]');
    // One message in three frames: the fragments meet in the reused array.
    client.send('[2,"2","Heart', { fin: false });
    client.send('beat"', { fin: false });
    client.send(',{}]', { fin: true });
    client.send('[2,"3","Heartbeat",{}]');
    while (echoes.length < 3) await once(client, 'message');
    expect(received.map((r) => r.text)).toEqual(['[2,"1","Heartbeat",{}]', '[2,"2","Heartbeat",{}]', '[2,"3","Heartbeat",{}]']);
    expect(received.every((r) => r.sameArray && r.emptyAfter)).toBe(true);
    expect(echoes).toEqual(received.map((r) => `echo:${r.text}`));
    client.close();
    await once(client, 'close');
  });

  it('does nothing to a socket that has no Receiver of that shape', () => {
    const reuse = reuseFragmentsArray({} as WebSocket);
    expect(() => reuse(Buffer.from('x'))).not.toThrow();
  });
});
