// The table bench/api.ts prints: latencies of the query against the node:http baseline, and the delay
// of live events from the station's frame to each subscriber, each against its target.
import type { DeliveryResult, HttpResult } from './api-load.js';

export interface Stats {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function stats(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : Number.NaN;
  return { p50: at(50), p99: at(99), max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : Number.NaN, count: sorted.length };
}

export interface HttpFigures extends HttpResult {
  /** CPU time (user + system) per answered request, ms: of the API process, of PostgreSQL, of the load generator. */
  cpuMsPerRequest: { api: number; postgres: number; load: number; machine: number };
}

export interface Report {
  machine: string;
  cores: number;
  query: string;
  stations: number;
  requests: number;
  concurrency: number;
  warmup: number;
  evcms: HttpFigures;
  baseline: HttpFigures;
  subscribers: number;
  frames: number;
  intervalMs: number;
  delivery: DeliveryResult;
  /** CPU per measured frame, ms, of the API and the gateway processes. */
  deliveryCpu: { api: number; gateway: number; load: number };
}

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '-');
const row = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join('');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function printReport(r: Report): string {
  const e = stats(r.evcms.latenciesMs);
  const b = stats(r.baseline.latenciesMs);
  const rps = (h: HttpResult) => (h.latenciesMs.length / h.wallMs) * 1000;
  const others = (h: HttpFigures) =>
    Math.max(0, h.cpuMsPerRequest.machine - h.cpuMsPerRequest.api - h.cpuMsPerRequest.postgres - h.cpuMsPerRequest.load);
  const w = [26, 9, 9, 9, 9, 10, 10, 10, 8];
  const all = stats(r.delivery.delaysByFrame.flat());
  const first = stats(r.delivery.delaysByFrame.filter((d) => d.length).map((d) => Math.min(...d)));
  const last = stats(r.delivery.delaysByFrame.filter((d) => d.length).map((d) => Math.max(...d)));
  const w2 = [26, 9, 9, 9, 22];
  const lines = [
    `bench:api  ${r.machine}`,
    '',
    `1. ${r.query}`,
    `   ${r.stations} stations of one organisation (2 connectors each), OPERATOR token; HTTP/1.1 keep-alive from a separate`,
    `   load process, ${r.requests} requests at concurrency ${r.concurrency} after ${r.warmup} warm-up; response ${r.evcms.bytes} bytes`,
    '',
    row(['', 'p50 ms', 'p99 ms', 'max ms', 'req/s', 'API CPU', 'PG CPU', 'load CPU', 'errors'], w),
    row(['', '', '', '', '', 'ms/req', 'ms/req', 'ms/req', ''], w),
    ...[['evcms /graphql', e, r.evcms] as const, ['baseline bare node:http', b, r.baseline] as const].map(([name, s, h]) =>
      row(
        [
          name,
          ms(s.p50),
          ms(s.p99),
          ms(s.max),
          rps(h).toFixed(0),
          ms(h.cpuMsPerRequest.api),
          ms(h.cpuMsPerRequest.postgres),
          ms(h.cpuMsPerRequest.load),
          String(h.errors.length),
        ],
        w,
      ),
    ),
    row(
      [
        'ratio evcms / baseline',
        `${(e.p50 / b.p50).toFixed(1)}x`,
        `${(e.p99 / b.p99).toFixed(1)}x`,
        `${(e.max / b.max).toFixed(1)}x`,
        `${(rps(r.evcms) / rps(r.baseline)).toFixed(2)}x`,
        `${(r.evcms.cpuMsPerRequest.api / r.baseline.cpuMsPerRequest.api).toFixed(1)}x`,
        '',
        '',
        '',
      ],
      w,
    ),
    row(['target', '', '< 50', '', '', '', '', '', ''], w) + `   ${verdict(e.p99 < 50 && r.evcms.errors.length === 0)}`,
    `   CPU of the rest of the machine (other processes, kernel) during the evcms run: ${ms(others(r.evcms))} ms/req, ` +
      `${((100 * others(r.evcms) * rps(r.evcms)) / 1000 / r.cores).toFixed(0)}% of the ${r.cores} cores`,
    '',
    '2. sessionUpdated(stationIdentity) delay: MeterValues frame sent by the station -> event received by each subscriber',
    `   ${r.subscribers} graphql-ws subscribers (a socket each) in the load process; API, gateway (with workers) and load`,
    `   in three processes; ${r.frames} frames every ${r.intervalMs} ms after ${r.delivery.warmupFrames} warm-up frames ` +
      `(${r.delivery.subscribersLive} subscribers live before measuring)`,
    '',
    row(['', 'p50 ms', 'p99 ms', 'max ms', 'delivered / expected'], w2),
    row([`every delivery`, ms(all.p50), ms(all.p99), ms(all.max), `${r.delivery.delivered} / ${r.delivery.expected}`], w2),
    row([`first subscriber of a frame`, ms(first.p50), ms(first.p99), ms(first.max), ''], w2),
    row([`last subscriber of a frame`, ms(last.p50), ms(last.p99), ms(last.max), ''], w2),
    row(['target', '', '< 100', '', 'all'], w2) + `   ${verdict(all.p99 < 100 && r.delivery.delivered === r.delivery.expected)}`,
    `   CPU per frame: API process ${ms(r.deliveryCpu.api)} ms, gateway process ${ms(r.deliveryCpu.gateway)} ms, ` +
      `load process (the subscribers) ${ms(r.deliveryCpu.load)} ms` +
      (r.delivery.unmatched ? `; ${r.delivery.unmatched} events matched no frame` : '') +
      (r.delivery.errors.length ? `; subscription errors: ${r.delivery.errors.slice(0, 3).join('; ')}` : ''),
  ];
  return lines.join('\n');
}
