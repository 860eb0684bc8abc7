import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { sendText, textFrame } from './text-frame.js';

describe('textFrame', () => {
  it('writes the header of each length class (RFC 6455 5.2)', () => {
    expect([...textFrame('hi')]).toEqual([0x81, 2, 0x68, 0x69]);
    expect([...textFrame('x'.repeat(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    expect([...textFrame('x'.repeat(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...textFrame('x'.repeat(65_535)).subarray(0, 4)]).toEqual([0x81, 126, 0xff, 0xff]);
    expect([...textFrame('x'.repeat(65_536)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const frame = textFrame('Kigali → Musanze ✓');
    expect(frame[1]).toBe(Buffer.byteLength('Kigali → Musanze ✓'));
    expect(frame.subarray(2).toString('utf8')).toBe('Kigali → Musanze ✓');
  });
});

describe('sendText through a real ws server and client', () => {
  let server: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const ask = data.toString('utf8');
        const text = ask === 'unicode' ? '[3,"é",{"info":"Kigali → Musanze ✓"}]' : 'x'.repeat(Number(ask));
        sendText(socket, text);
        // ws's own frames (a ping here) keep their order with ours.
        socket.ping();
        sendText(socket, `after:${ask}`);
      });
    });
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is read by ws as the same text, for every length class, in order with ws frames', async () => {
    const client = new WebSocket(url, { perMessageDeflate: false });
    await once(client, 'open');
    const got: string[] = [];
    let pings = 0;
    client.on('ping', () => pings++);
    client.on('message', (data: Buffer, isBinary: boolean) => got.push(`${isBinary ? 'binary' : 'text'}:${data.toString('utf8')}`));
    const asks = ['0', '1', '125', '126', '65535', '65536', '200000', 'unicode'];
    for (const ask of asks) client.send(ask);
    while (got.length < asks.length * 2) await once(client, 'message');
    const expected = asks.flatMap((ask) => [
      `text:${ask === 'unicode' ? '[3,"é",{"info":"Kigali → Musanze ✓"}]' : 'x'.repeat(Number(ask))}`,
      `text:after:${ask}`,
    ]);
    expect(got).toEqual(expected);
    expect(pings).toBe(asks.length);
    client.close();
    await once(client, 'close');
  });
});
