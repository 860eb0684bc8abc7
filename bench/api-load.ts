// The load generator of bench/api.ts, in a process of its own: an HTTP client with keep-alive for the
// query, graphql-ws subscribers, and a minimal OCPP-J client (bench/api-ocpp.ts) sending MeterValues.
// Every timestamp is performance.now() of this one process. Traffic to 127.0.0.1 only.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { serveRequests } from './api-ipc.js';
import { connectStation } from './api-ocpp.js';

export interface HttpRun {
  url: string;
  headers: Record<string, string>;
  body: string;
  requests: number;
  concurrency: number;
  /** Bound on the measured part, whatever the count. */
  seconds: number;
}

export interface HttpResult {
  latenciesMs: number[];
  wallMs: number;
  errors: string[];
  bytes: number;
}

const local = (url: string) => {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`bench traffic goes to 127.0.0.1 only (got ${url})`);
  return url;
};

function post(url: string, agent: Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `requests` requests, each of `concurrency` workers sending its next once answered (on kept-alive sockets). */
async function httpLoad(run: HttpRun): Promise<HttpResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: run.concurrency });
  const errors: string[] = [];
  const latenciesMs: number[] = [];
  let bytes = 0;
  const start = performance.now();
  const until = start + run.seconds * 1000;
  let issued = 0;
  const worker = async () => {
    while (issued < run.requests && performance.now() < until) {
      issued++;
      const t0 = performance.now();
      try {
        const { status, text } = await post(local(run.url), agent, run.headers, run.body);
        const ms = performance.now() - t0;
        if (status !== 200 || text.startsWith('{"errors"')) errors.push(`HTTP ${status}: ${text.slice(0, 200)}`);
        else latenciesMs.push(ms);
        bytes = text.length;
      } catch (error) {
        errors.push((error as Error).message);
      }
      if (errors.length > 20) throw new Error(`too many failed requests: ${errors.slice(0, 3).join('; ')}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: run.concurrency }, worker));
    return { latenciesMs, wallMs: performance.now() - start, errors, bytes };
  } finally {
    agent.destroy();
  }
}

// The subscribers: one graphql-ws client (one socket) each, all on the same subscription.
let clients: Client[] = [];
type OnUpdate = (subscriber: number, energyWh: number, at: number) => void;
let onUpdate: OnUpdate = () => {};
const subscriptionErrors: string[] = [];

async function subscribe(args: { apiUrl: string; token: string; count: number; identity: string; seconds: number }) {
  const url = `${local(args.apiUrl).replace(/^http/, 'ws')}/graphql`;
  const query = 'subscription($s: String) { sessionUpdated(stationIdentity: $s) { transactionId energyWh powerW at } }';
  const until = Date.now() + args.seconds * 1000;
  for (let from = 0; from < args.count && Date.now() < until; from += 50) {
    const batch = Array.from({ length: Math.min(50, args.count - from) }, (_, j) => {
      const n = from + j;
      return new Promise<void>((resolve, reject) => {
        const client = createClient({
          url,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${args.token}` },
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: reject,
          on: { connected: () => resolve() },
        });
        clients.push(client);
        client.subscribe<{ sessionUpdated: { energyWh: number | null } }>(
          { query, variables: { s: args.identity } },
          {
            next: (result) => {
              const at = performance.now();
              const energy = result.data?.sessionUpdated.energyWh;
              if (typeof energy === 'number') onUpdate(n, energy, at);
              else if (result.errors && subscriptionErrors.length < 10) subscriptionErrors.push(JSON.stringify(result.errors));
            },
            error: (error) => {
              if (subscriptionErrors.length < 10) subscriptionErrors.push(String((error as Error).message ?? JSON.stringify(error)));
            },
            complete: () => {},
          },
        );
      });
    });
    await Promise.all(batch);
  }
  return { connected: clients.length, errors: subscriptionErrors };
}

export interface DeliveryRun {
  ocppUrl: string;
  identity: string;
  password: string;
  idTag: string;
  frames: number;
  intervalMs: number;
  /** Warm-up frames are sent until every subscriber has received one (all subscriptions are live), at most this many. */
  maxWarmupFrames: number;
  /** How long to wait for the last deliveries after the last frame. */
  drainSeconds: number;
}

export interface DeliveryResult {
  /** Per measured frame, the delay (ms) from sending it to each subscriber's receipt, in order of receipt. */
  delaysByFrame: number[][];
  delivered: number;
  expected: number;
  warmupFrames: number;
  subscribersLive: number;
  unmatched: number;
  errors: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Starts a session on the station, then sends MeterValues frames whose energy register is unique per
 * frame; a subscriber's event is matched to its frame by the energy it announces (register − meterStart).
 */
async function deliver(run: DeliveryRun): Promise<DeliveryResult> {
  const meterStart = 1000;
  const warmupBase = 50_000;
  const measuredBase = 100_000;
  const live = new Set<number>();
  const sentAt = new Map<number, number>();
  const delaysByFrame: number[][] = Array.from({ length: run.frames }, () => []);
  let delivered = 0;
  let unmatched = 0;
  onUpdate = (subscriber, energyWh, at) => {
    live.add(subscriber);
    if (energyWh < measuredBase) return;
    const sent = sentAt.get(energyWh);
    if (sent === undefined) unmatched++;
    else {
      delaysByFrame[energyWh - measuredBase]?.push(at - sent);
      delivered++;
    }
  };
  const station = await connectStation(local(run.ocppUrl), run.identity, run.password);
  try {
    await station.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'API bench' });
    const started = await station.call<{ transactionId: number }>('StartTransaction', {
      connectorId: 1,
      idTag: run.idTag,
      meterStart,
      timestamp: new Date().toISOString(),
    });
    const frame = (energyWh: number) => ({
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: String(meterStart + energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
            { value: '7200', measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
          ],
        },
      ],
    });
    let warmupFrames = 0;
    while (live.size < clients.length && warmupFrames < run.maxWarmupFrames) {
      await station.call('MeterValues', frame(warmupBase + warmupFrames++));
      await sleep(run.intervalMs);
    }
    const subscribersLive = live.size;
    const start = performance.now();
    for (let k = 0; k < run.frames; k++) {
      await sleep(start + k * run.intervalMs - performance.now());
      const payload = frame(measuredBase + k);
      sentAt.set(measuredBase + k, performance.now());
      await station.call('MeterValues', payload);
    }
    const expected = run.frames * clients.length;
    const until = performance.now() + run.drainSeconds * 1000;
    while (delivered < expected && performance.now() < until) await sleep(20);
    await station.call('StopTransaction', {
      transactionId: started.transactionId,
      meterStop: meterStart + measuredBase + run.frames,
      timestamp: new Date().toISOString(),
      reason: 'Local',
    });
    return { delaysByFrame, delivered, expected, warmupFrames, subscribersLive, unmatched, errors: [...subscriptionErrors] };
  } finally {
    onUpdate = () => {};
    await station.close();
  }
}

async function unsubscribe() {
  await Promise.all(clients.map((c) => c.dispose()));
  clients = [];
  return true;
}

serveRequests(
  {
    probe: async ({ url, headers, body }: { url: string; headers: Record<string, string>; body: string }) => {
      const agent = new Agent({ keepAlive: false });
      return post(local(url), agent, headers, body);
    },
    http: httpLoad,
    subscribe,
    deliver,
    unsubscribe,
    stop: async () => {
      await unsubscribe().catch(() => {});
      process.exit(0);
    },
  },
  {},
);
process.on('disconnect', () => process.exit(0));
