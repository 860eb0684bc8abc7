// The load generator of bench/ocpp.ts, in its own process: N charger connections (the simulator's
// OCPP client), driven phase by phase over IPC. Every loop is bounded in count and in time.
import { Meter, meterValue } from '../simulator/meter.js';
import { OcppClient } from '../simulator/rpc.js';
import { type IncidentTiming, type IncidentsRequest, playIncidents } from './alerts-incidents.js';
import { reportLoopStalls } from './loop-stalls.js';

export type Action = 'Heartbeat' | 'MeterValues';
export type LoadRequest =
  | { type: 'connect'; url: string; identities: string[]; passwordPrefix: string; concurrency: number }
  | { type: 'start-transactions'; idTag: string; concurrency: number }
  | { type: 'closed'; action: Action; seconds: number; warmupSeconds: number }
  | { type: 'open'; action: Action; rate: number; seconds: number }
  | IncidentsRequest
  | { type: 'close' };

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}
export interface PhaseResult extends Partial<Latency> {
  seconds: number;
  /** Calls answered in the measured window. */
  ok: number;
  /** Calls answered in the whole phase, warm-up and wind-down included. */
  answered: number;
  failed: number;
  /** Round trips per second (closed loop), or sends per second achieved (open loop). */
  rps?: number;
  /** The most frequent failures, with counts. */
  errors: string[];
  /** CPU µs per answered call: the server (gateway) process, PostgreSQL+Redis, the sink process (filled in by the bench). */
  cpuUs?: { server: number; store: number; sink: number };
  /** The server's event-loop delay over the phase, in ms (filled in by the bench). */
  loopDelayMs?: { p99: number; max: number };
  /** What each incident played (bench/alerts.ts). */
  incidents?: IncidentTiming[];
}

interface Connection {
  client: OcppClient;
  meter: Meter;
  transactionId: number | null;
}

const GRACE_MS = 20_000;
const connections: Connection[] = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Latencies in a typed array that doubles as it fills: one number each, off the JS heap's object graph, so
 * the generator's own garbage collections (which delay every call they overlap, to either server) stay short.
 */
class LatencyLog {
  private values = new Float64Array(1 << 16);
  length = 0;
  push(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }
  percentiles(): Partial<Latency> {
    if (this.length === 0) return {};
    const sorted = this.values.slice(0, this.length).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
  }
}

class Tally {
  ok = 0;
  answered = 0;
  failed = 0;
  readonly latencies = new LatencyLog();
  private readonly reasons = new Map<string, number>();
  fail(error: unknown): void {
    this.failed++;
    const reason = ((error as Error).message ?? String(error)).replace(/BENCH-\d+/g, 'BENCH-n').slice(0, 120);
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }
  result(seconds: number, extra: Pick<PhaseResult, 'rps'> = {}): PhaseResult {
    const errors = [...this.reasons].sort((a, b) => b[1] - a[1]).slice(0, 3);
    return {
      seconds,
      ok: this.ok,
      answered: Math.max(this.ok, this.answered),
      failed: this.failed,
      errors: errors.map(([r, n]) => `${n}x ${r}`),
      ...this.latencies.percentiles(),
      ...extra,
    };
  }
}

function send(c: Connection, action: Action): Promise<unknown> {
  if (action === 'Heartbeat') return c.client.call('Heartbeat', {});
  const payload = { connectorId: 1, meterValue: [meterValue(c.meter.read())] };
  return c.client.call('MeterValues', c.transactionId === null ? payload : { ...payload, transactionId: c.transactionId });
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` at once. */
async function windowed(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function connect(request: Extract<LoadRequest, { type: 'connect' }>): Promise<PhaseResult> {
  const tally = new Tally();
  const started = performance.now();
  await windowed(request.identities.length, request.concurrency, async (i) => {
    const identity = request.identities[i] as string;
    const client = new OcppClient({ url: request.url, identity, password: `${request.passwordPrefix}${identity}`, callTimeoutMs: 60_000 });
    try {
      await client.connect(60_000);
      await client.call('BootNotification', {
        chargePointVendor: 'evcms-bench',
        chargePointModel: 'Load',
        chargePointSerialNumber: identity,
      });
      connections.push({ client, meter: new Meter(11_000, 1_000_000), transactionId: null });
      tally.ok++;
    } catch (error) {
      tally.fail(error);
      await client.close().catch(() => {});
    }
  });
  return tally.result((performance.now() - started) / 1000);
}

async function startTransactions(request: Extract<LoadRequest, { type: 'start-transactions' }>): Promise<PhaseResult> {
  const tally = new Tally();
  const started = performance.now();
  await windowed(connections.length, request.concurrency, async (i) => {
    const c = connections[i] as Connection;
    try {
      const reading = c.meter.read('Transaction.Begin');
      const answer = await c.client.call('StartTransaction', {
        connectorId: 1,
        idTag: request.idTag,
        meterStart: Math.round(reading.energyWh),
        timestamp: reading.at.toISOString(),
      });
      c.transactionId = answer.transactionId;
      tally.ok++;
    } catch (error) {
      tally.fail(error);
    }
  });
  return tally.result((performance.now() - started) / 1000);
}

/** Every connection sends, waits for the answer, sends again: as many round trips as the server takes. */
async function closedLoop(request: Extract<LoadRequest, { type: 'closed' }>): Promise<PhaseResult> {
  const tally = new Tally();
  let counting = false;
  let stop = false;
  const loops = connections.map(async (c) => {
    while (!stop && c.client.open) {
      const sent = performance.now();
      try {
        await send(c, request.action);
        tally.answered++;
        if (counting) {
          tally.ok++;
          tally.latencies.push(performance.now() - sent);
        }
      } catch (error) {
        if (counting) tally.fail(error);
      }
    }
  });
  await sleep(request.warmupSeconds * 1000);
  counting = true;
  const started = performance.now();
  await sleep(request.seconds * 1000);
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.race([Promise.all(loops), sleep(GRACE_MS)]);
  return tally.result(seconds, { rps: tally.ok / seconds });
}

/**
 * Sends at a fixed rate, round-robin over the connections, whatever the answers do; the latency of a
 * call is counted from when it was due, so a server that falls behind cannot hide it. Nothing is kept per
 * call but its latency: holding every call's promise to the end of the phase made the generator's young
 * collections copy them all (pauses of 45 to 70 ms were seen), and those pauses landed in both servers' p99.
 */
async function openLoop(request: Extract<LoadRequest, { type: 'open' }>): Promise<PhaseResult> {
  const tally = new Tally();
  const total = Math.max(1, Math.floor(request.rate * request.seconds));
  const gapMs = 1000 / request.rate;
  const started = performance.now() + 20;
  // BENCH_DEBUG: how long each call took (call i was due at i * gapMs), to tell periodic stalls from noise.
  const took = process.env.BENCH_DEBUG ? new Float64Array(total) : null;
  let sent = 0;
  let settled = 0;
  const finished = Promise.withResolvers<void>();
  const settle = () => {
    if (++settled === total) finished.resolve();
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - started) / gapMs) + 1);
      while (sent < due) {
        const index = sent++;
        const scheduled = started + index * gapMs;
        const c = connections[index % connections.length] as Connection;
        send(c, request.action).then(
          () => {
            const ms = performance.now() - scheduled;
            tally.ok++;
            tally.latencies.push(ms);
            if (took) took[index] = ms;
            settle();
          },
          (error: unknown) => {
            tally.fail(error);
            settle();
          },
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const seconds = (performance.now() - started) / 1000;
  await Promise.race([finished.promise, sleep(GRACE_MS)]);
  const result = tally.result(seconds, { rps: total / seconds });
  result.failed += total - tally.ok - tally.failed; // still unanswered after the grace period
  if (took) {
    const worst = new Array<number>(Math.floor(((total - 1) * gapMs) / 100) + 1).fill(0);
    took.forEach((ms, i) => {
      const slot = Math.floor((i * gapMs) / 100);
      worst[slot] = Math.max(worst[slot] ?? 0, ms);
    });
    process.stderr.write(
      `  open loop ${request.action} from ${((Date.now() - (performance.now() - started)) / 1000).toFixed(1)} (epoch s), worst ms per 100 ms: ${worst.map(Math.round).join(' ')}\n`,
    );
  }
  return result;
}

/** Closes every connection (and forgets it). */
async function closeAll(): Promise<PhaseResult> {
  const tally = new Tally();
  const started = performance.now();
  const closing = connections.splice(0);
  await Promise.all(
    closing.map((c) =>
      c.client.close().then(
        () => tally.ok++,
        (error: unknown) => tally.fail(error),
      ),
    ),
  );
  return tally.result((performance.now() - started) / 1000);
}

async function handle(request: LoadRequest): Promise<PhaseResult> {
  switch (request.type) {
    case 'close':
      return closeAll();
    case 'connect':
      return connect(request);
    case 'start-transactions':
      return startTransactions(request);
    case 'closed':
      return closedLoop(request);
    case 'open':
      return openLoop(request);
    case 'incidents': {
      const started = performance.now();
      const incidents = await playIncidents(
        connections.map((c) => c.client),
        request,
      );
      return { ...new Tally().result((performance.now() - started) / 1000), incidents };
    }
  }
}

process.on('message', (message: { id?: number; type?: string; request?: LoadRequest }) => {
  if (message.type === 'stop' || !message.request) process.exit(0);
  handle(message.request).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: Error) => process.send?.({ id: message.id, error: error.message }),
  );
});
process.on('disconnect', () => process.exit(0));
if (process.env.BENCH_DEBUG) reportLoopStalls('load');
process.send?.({ type: 'ready' });
