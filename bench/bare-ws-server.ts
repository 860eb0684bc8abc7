// The baseline of bench/ocpp.ts: a bare `ws` server, in its own process, that reads each frame with
// JSON.parse and answers it with JSON.stringify, doing nothing else. Run by the bench, not by hand.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serveBenchControl } from './server-control.js';

const answers: Record<string, () => Record<string, unknown>> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }),
  Heartbeat: () => ({ currentTime: new Date().toISOString() }),
  StartTransaction: () => ({ transactionId: ++transactions, idTagInfo: { status: 'Accepted' } }),
  StatusNotification: () => ({}),
  MeterValues: () => ({}),
};
let transactions = 0;

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as [number, string, string, unknown];
    if (frame[0] !== 2) return;
    ws.send(JSON.stringify([3, frame[1], answers[frame[2]]?.() ?? {}]));
  });
  ws.on('error', () => {});
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  serveBenchControl(
    async () => {
      for (const client of wss.clients) client.terminate();
      server.close(() => process.exit(0));
    },
    typeof address === 'object' && address ? address.port : 0,
  );
});
