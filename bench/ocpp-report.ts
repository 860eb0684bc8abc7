// The table bench/ocpp.ts prints: evcms beside the bare ws baseline, the ratio, and the targets.
import type { PhaseResult } from './ocpp-load.js';

export interface Measured {
  stations: number;
  connect: PhaseResult;
  /** KB per idle connection: process RSS, and V8 heap in use after a full GC. */
  perConnection: { rss: number; heap: number };
  heartbeat: PhaseResult;
  start: PhaseResult;
  meter: PhaseResult;
  heartbeatHalf: PhaseResult;
  meterHalf: PhaseResult;
  /** Cores used on average over the load phases, by role. */
  cpu: Record<string, number>;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) => (n === undefined ? '-' : n < 10 ? n.toFixed(1) : int(n));
const latency = (r: PhaseResult) => `${ms(r.p50)} / ${ms(r.p99)} ms`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

interface Row {
  metric: string;
  evcms: string;
  bare: string;
  ratio: number;
  target: string;
  ok?: boolean;
}

export function printTable(run: { stations: number; seconds: number; machine: string; evcms: Measured; bare: Measured }): void {
  const { evcms: e, bare: b } = run;
  const rows: Row[] = [
    {
      metric: 'connect + boot, all stations',
      evcms: `${e.connect.seconds.toFixed(2)} s`,
      bare: `${b.connect.seconds.toFixed(2)} s`,
      ratio: e.connect.seconds / b.connect.seconds,
      target: '< 30 s',
      ok: e.connect.seconds < 30 && e.connect.failed === 0,
    },
    {
      metric: 'heartbeat rps',
      evcms: int(e.heartbeat.rps ?? 0),
      bare: int(b.heartbeat.rps ?? 0),
      ratio: (e.heartbeat.rps ?? 0) / (b.heartbeat.rps ?? 1),
      target: '>= 0.60 x bare',
      ok: (e.heartbeat.rps ?? 0) >= 0.6 * (b.heartbeat.rps ?? 0),
    },
    {
      metric: 'MeterValues rps (10 values)',
      evcms: int(e.meter.rps ?? 0),
      bare: int(b.meter.rps ?? 0),
      ratio: (e.meter.rps ?? 0) / (b.meter.rps ?? 1),
      target: '>= 0.40 x bare',
      ok: (e.meter.rps ?? 0) >= 0.4 * (b.meter.rps ?? 0),
    },
    halfLoad('heartbeat p50/p99 @ 50%', e.heartbeatHalf, b.heartbeatHalf),
    halfLoad('MeterValues p50/p99 @ 50%', e.meterHalf, b.meterHalf),
    loopRow('  server loop delay p99/max, HB', e.heartbeatHalf, b.heartbeatHalf),
    loopRow('  server loop delay p99/max, MV', e.meterHalf, b.meterHalf),
    {
      metric: 'RSS per idle connection',
      evcms: `${e.perConnection.rss.toFixed(1)} KB`,
      bare: `${b.perConnection.rss.toFixed(1)} KB`,
      ratio: e.perConnection.rss / b.perConnection.rss,
      target: '<= 20 KB',
      ok: e.perConnection.rss <= 20,
    },
    {
      metric: '  of which V8 heap (after GC)',
      evcms: `${e.perConnection.heap.toFixed(1)} KB`,
      bare: `${b.perConnection.heap.toFixed(1)} KB`,
      ratio: e.perConnection.heap / b.perConnection.heap,
      target: '',
    },
    cpuRow('server CPU per connect + boot', e.connect, b.connect, 'server'),
    cpuRow('server CPU per Heartbeat', e.heartbeat, b.heartbeat, 'server'),
    cpuRow('server CPU per MeterValues', e.meter, b.meter, 'server'),
    cpuRow('  PostgreSQL+Redis CPU, connect', e.connect, b.connect, 'store'),
    cpuRow('  PostgreSQL+Redis CPU, MeterV.', e.meter, b.meter, 'store'),
    cpuRow('  telemetry sink CPU, MeterV.', e.meter, b.meter, 'sink'),
    {
      metric: 'StartTransaction, all stations',
      evcms: `${e.start.seconds.toFixed(2)} s`,
      bare: `${b.start.seconds.toFixed(2)} s`,
      ratio: e.start.seconds / b.start.seconds,
      target: '',
    },
  ];
  const head = `OCPP gateway, ${int(run.stations)} stations: ${run.seconds} s per phase, ${run.machine}, load generator in its own process`;
  const widths = [30, 18, 18, 7, 16];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [head, line(['', 'evcms', 'bare ws', 'ratio', 'target']), '-'.repeat(96)];
  for (const r of rows) {
    out.push(
      `${line([r.metric, r.evcms, r.bare, Number.isNaN(r.ratio) ? '-' : r.ratio.toFixed(2), r.target])}${r.ok === undefined ? '' : `  ${verdict(r.ok)}`}`,
    );
  }
  const failures = (['connect', 'heartbeat', 'start', 'meter', 'heartbeatHalf', 'meterHalf'] as const).flatMap((phase) =>
    (['evcms', 'bare'] as const).flatMap((kind) => {
      const r = run[kind][phase];
      return r.failed ? [`  ${kind} ${phase}: ${int(r.failed)} failed (${r.errors.join('; ')})`] : [];
    }),
  );
  if (failures.length) out.push('failed calls:', ...failures);
  out.push(
    `open loop sent ${int(e.heartbeatHalf.rps ?? 0)}/s (heartbeat) and ${int(e.meterHalf.rps ?? 0)}/s (MeterValues) to evcms; ` +
      `worst latency ${ms(e.heartbeatHalf.max)} / ${ms(e.meterHalf.max)} ms`,
  );
  const cores = (m: Measured) =>
    Object.entries(m.cpu)
      .map(([who, n]) => `${who} ${n.toFixed(2)}`)
      .join(', ');
  out.push(`CPU cores used over the load phases: evcms: ${cores(e)}`, `                                    bare:  ${cores(b)}`);
  const noise = Math.max(e.cpu.other ?? 0, b.cpu.other ?? 0);
  if (noise > 0.15) out.push(`WARNING: other processes used up to ${noise.toFixed(2)} cores meanwhile: these figures are noisy.`);
  process.stdout.write(`\n${out.join('\n')}\n\n`);
}

function cpuRow(metric: string, e: PhaseResult, b: PhaseResult, who: 'server' | 'store' | 'sink'): Row {
  const us = (r: PhaseResult) => r.cpuUs?.[who] ?? 0;
  return { metric, evcms: `${int(us(e))} µs`, bare: `${int(us(b))} µs`, ratio: us(b) ? us(e) / us(b) : Number.NaN, target: '' };
}

function loopRow(metric: string, e: PhaseResult, b: PhaseResult): Row {
  const text = (r: PhaseResult) => `${ms(r.loopDelayMs?.p99)} / ${ms(r.loopDelayMs?.max)} ms`;
  return { metric, evcms: text(e), bare: text(b), ratio: (e.loopDelayMs?.max ?? 0) / (b.loopDelayMs?.max || 1), target: '' };
}

function halfLoad(metric: string, e: PhaseResult, b: PhaseResult): Row {
  return {
    metric,
    evcms: latency(e),
    bare: latency(b),
    ratio: (e.p99 ?? 0) / (b.p99 || 1),
    target: 'p99 < 50 ms',
    ok: (e.p99 ?? Number.POSITIVE_INFINITY) < 50 && e.failed === 0,
  };
}
