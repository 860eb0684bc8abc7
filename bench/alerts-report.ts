// What bench/alerts.ts makes of its runs: each incident matched with its alert's events, the latencies, and
// the table it prints (the alerts-on run beside the alerts-off one, and the targets).
import type { IncidentKind, IncidentTiming } from './alerts-incidents.js';
import type { PhaseResult } from './ocpp-load.js';

export interface AlertEvent {
  change: 'raised' | 'resolved';
  /** When the bench received it (epoch ms). */
  seenAt: number;
  event: { alertId: string; identity: string; kind: string; causeKey: string; details: Record<string, unknown>; at: string };
}

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Outcome {
  raised: Record<string, Stats>;
  resolved: Record<string, Stats>;
  /** Incidents whose alert never came (raised), or never went (resolved). */
  missing: { raised: number; resolved: number };
  /** Alerts of the bench's stations that no incident explains (a duplicate, a wrong condition). */
  unexpected: string[];
  /** The incidents whose alert is missing: station, kind. */
  missingOf: string[];
  failedIncidents: number;
  /** The most frequent reasons incidents failed to play, with counts. */
  failures: string[];
}

const alertKind: Record<IncidentKind, string> = { fault: 'connector-faulted', offline: 'station-offline', 'boot-loop': 'boot-loop' };

function topReasons(reasons: string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, n]) => `${n}x ${r}`);
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

/**
 * When each condition began and cleared, as the server's rules see it: a fault from its Faulted status to its
 * Available; offline from the station's last_seen_at plus the threshold (the alert's details) to the reconnect;
 * a boot loop from its `bootLoopBoots`-th boot to when the boots left in the window fall below that count.
 */
export function latencies(
  timings: IncidentTiming[],
  events: AlertEvent[],
  thresholds: { offlineMinutes: number; bootLoopBoots: number; bootLoopMinutes: number },
  play: { boots: number },
): Outcome {
  const raised = new Map<string, AlertEvent>();
  const resolved = new Map<string, AlertEvent>();
  for (const e of events) {
    const byKey = e.change === 'raised' ? raised : resolved;
    const key = e.change === 'raised' ? `${e.event.identity} ${e.event.kind}` : e.event.alertId;
    if (!byKey.has(key)) byKey.set(key, e);
  }
  const values = { raised: new Map<string, number[]>(), resolved: new Map<string, number[]>() };
  const add = (change: 'raised' | 'resolved', kind: string, ms: number) => {
    for (const key of [kind, 'all']) values[change].set(key, [...(values[change].get(key) ?? []), ms]);
  };
  const explained = new Set<string>();
  const missing = { raised: 0, resolved: 0 };
  const missingKinds: string[] = [];
  const ok = timings.filter((t) => !t.error);
  const window = thresholds.bootLoopMinutes * 60_000;
  for (const t of ok) {
    const kind = alertKind[t.kind];
    const up = raised.get(`${t.identity} ${kind}`);
    if (!up) {
      missing.raised++;
      missingKinds.push(`${t.identity} ${t.kind}`);
      continue;
    }
    explained.add(up.event.alertId);
    const boots = t.bootsAt ?? [];
    const began =
      t.kind === 'fault'
        ? t.startedAt
        : t.kind === 'offline'
          ? Date.parse(String(up.event.details.lastSeenAt)) + thresholds.offlineMinutes * 60_000
          : (boots[thresholds.bootLoopBoots - 1] ?? t.startedAt);
    add('raised', kind, up.seenAt - began);
    const down = resolved.get(up.event.alertId);
    if (!down) {
      missing.resolved++;
      missingKinds.push(`${t.identity} ${t.kind} (not resolved)`);
      continue;
    }
    const cleared = t.kind === 'boot-loop' ? (boots[play.boots - thresholds.bootLoopBoots] ?? t.clearedAt) + window : t.clearedAt;
    add('resolved', kind, down.seenAt - cleared);
  }
  // A station whose incident failed to play (a call answered with an error) may still have raised its alert.
  for (const t of timings.filter((t) => t.error)) {
    const up = raised.get(`${t.identity} ${alertKind[t.kind]}`);
    if (up) explained.add(up.event.alertId);
  }
  const played = new Map(timings.map((t) => [t.identity, t]));
  const unexpected = [...raised.values()]
    .filter((e) => !explained.has(e.event.alertId))
    .map((e) => {
      const t = played.get(e.event.identity);
      return `${e.event.identity} ${e.event.kind} (${t ? `its incident: ${t.kind}` : 'no incident'})`;
    });
  const summarise = (m: Map<string, number[]>) => Object.fromEntries([...m].map(([k, v]) => [k, stats(v)]));
  return {
    raised: summarise(values.raised),
    resolved: summarise(values.resolved),
    missing,
    unexpected,
    missingOf: missingKinds,
    failedIncidents: timings.length - ok.length,
    failures: topReasons(timings.flatMap((t) => (t.error ? [t.error.replace(/BENCH-\d+/g, 'BENCH-n')] : []))),
  };
}

/** One evcms's run, as bench/alerts.ts measures it. */
export interface RunFigures {
  heartbeat: PhaseResult;
  /** CPU µs per answered Heartbeat of the closed loop: the gateway, and PostgreSQL+Redis. */
  perCall: { gateway: number; store: number };
  /** Cores used by role during the Heartbeat closed loop, and over the incidents. */
  cpuWindow: Record<string, number>;
  cpuIncidents: Record<string, number>;
  timings: IncidentTiming[];
  events: AlertEvent[];
  connectSeconds: number;
  /** One evaluation of every condition at the end of the incidents, in ms. */
  sweepMs?: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const s = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)}`);
const cores = (used: Record<string, number>) =>
  ['gateway', 'workers', 'PostgreSQL+Redis', 'load', 'other'].map((k) => `${k} ${(used[k] ?? 0).toFixed(2)}`).join(', ');

export function printAlertTable(run: {
  stations: number;
  minutes: number;
  percent: number;
  seconds: number;
  machine: string;
  on: RunFigures;
  /** Null when the run with the alerts off failed. */
  off: RunFigures | null;
  outcome: Outcome;
}): void {
  const { on, off, outcome } = run;
  const rows: string[][] = [];
  const latencyRows = (change: 'raised' | 'resolved') => {
    for (const kind of ['all', ...Object.values(alertKind)]) {
      const st = outcome[change][kind];
      const ok = st ? st.p99 < 5000 : false;
      const figure = st ? `${s(st.p50)} / ${s(st.p99)} / ${s(st.max)} s (${st.n})` : '-';
      rows.push([`${change}, ${kind}: p50 / p99 / max (n)`, figure, '', kind === 'all' ? `p99 < 5 s (${ok ? 'ok' : 'MISSED'})` : '']);
    }
  };
  latencyRows('raised');
  latencyRows('resolved');
  const { missing, unexpected } = outcome;
  rows.push([
    'alerts missing raised / resolved; unexpected',
    `${missing.raised} / ${missing.resolved}; ${unexpected.length}`,
    '',
    `0 (${missing.raised + missing.resolved + unexpected.length === 0 ? 'ok' : 'MISSED'})`,
  ]);
  const ratio = (on.heartbeat.rps ?? 0) / (off?.heartbeat.rps || Number.NaN);
  const p50p99 = (r: PhaseResult | undefined) => (r ? `${r.p50?.toFixed(1)} / ${r.p99?.toFixed(1)} ms` : 'failed');
  rows.push([
    `Heartbeat rps, closed loop ${run.seconds} s during the incidents`,
    int(on.heartbeat.rps ?? 0),
    off ? int(off.heartbeat.rps ?? 0) : 'failed',
    `>= 0.95 x off: ${ratio.toFixed(3)} (${ratio >= 0.95 ? 'ok' : 'MISSED'})`,
  ]);
  const us = (r: RunFigures | null) => (r ? `${r.perCall.gateway.toFixed(0)} / ${r.perCall.store.toFixed(0)} µs` : 'failed');
  const cpuRatio = on.perCall.gateway / (off?.perCall.gateway || Number.NaN);
  rows.push([
    'CPU per Heartbeat, gateway / PostgreSQL+Redis',
    us(on),
    us(off),
    `gateway <= 1.05 x off: ${cpuRatio.toFixed(3)} (${cpuRatio <= 1.05 ? 'ok' : 'MISSED'})`,
  ]);
  rows.push(['Heartbeat p50 / p99, closed loop', p50p99(on.heartbeat), p50p99(off?.heartbeat), '']);
  rows.push([
    'connect + boot, all stations',
    `${on.connectSeconds.toFixed(1)} s`,
    off ? `${off.connectSeconds.toFixed(1)} s` : 'failed',
    '',
  ]);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length), ['figure', 'alerts on', 'alerts off', 'target'][i]?.length ?? 0),
  );
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const incidents = on.timings.length;
  const out = [
    '',
    `bench:alerts: ${int(run.stations)} stations, ${run.percent}% of them a minute faulting, going offline or boot-looping, for ${run.minutes} minutes (${incidents} incidents, ${outcome.failedIncidents} failed to play); ${run.machine}`,
    line(['figure', 'alerts on', 'alerts off', 'target']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `cores during the closed loop, alerts on: ${cores(on.cpuWindow)}`,
    `cores during the closed loop, alerts off: ${off ? cores(off.cpuWindow) : 'failed'}`,
    `cores over the incidents, alerts on: ${cores(on.cpuIncidents)}`,
    `one evaluation of every alert condition (EXPLAIN ANALYZE of the sweep's query, after the incidents): ${on.sweepMs?.toFixed(0) ?? '-'} ms`,
    ...(unexpected.length ? [`unexpected alerts (first 5): ${unexpected.slice(0, 5).join('; ')}`] : []),
    ...(outcome.missingOf.length ? [`incidents without their alert (first 5): ${outcome.missingOf.slice(0, 5).join('; ')}`] : []),
    ...(outcome.failures.length ? [`incidents that failed to play: ${outcome.failures.join('; ')}`] : []),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
