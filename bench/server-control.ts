// The IPC side of a server that bench/ocpp.ts drives: full GC on demand (with the memory it leaves),
// event-loop delay and (with BENCH_DEBUG) garbage collections per phase, and a clean stop.
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { GC_KINDS } from './loop-stalls.js';

export type ControlMessage = { type: 'gc' } | { type: 'loop-reset'; phase?: string } | { type: 'loop-read' } | { type: 'stop' };

/** `onPhase` runs as each measured phase starts (before its loop-reset is acknowledged). */
export function serveBenchControl(stop: () => Promise<void>, port: number, onPhase?: (phase: string) => Promise<void>): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const gcs = tallyGcs();
  process.on('message', (message: ControlMessage) => {
    if (message.type === 'gc') {
      globalThis.gc?.();
      process.send?.({ type: 'gc-done', heapUsed: process.memoryUsage().heapUsed, memory: process.memoryUsage() });
    } else if (message.type === 'loop-reset') {
      delay.reset();
      gcs.clear();
      void (onPhase?.(message.phase ?? 'phase') ?? Promise.resolve()).finally(() => process.send?.({ type: 'loop-reset-done' }));
    } else if (message.type === 'loop-read') {
      if (process.env.BENCH_DEBUG) process.stderr.write(`  server GC in this phase: ${gcs.summary()}\n`);
      process.send?.({ type: 'loop', p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 });
    } else if (message.type === 'stop') {
      void stop();
    }
  });
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready', port });
}

/** Garbage collections by kind: how many, and the time they took. */
function tallyGcs(): { clear(): void; summary(): string } {
  let tally = new Map<string, { count: number; ms: number; worst: number }>();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      const t = tally.get(kind) ?? { count: 0, ms: 0, worst: 0 };
      t.count++;
      t.ms += entry.duration;
      t.worst = Math.max(t.worst, entry.duration);
      tally.set(kind, t);
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    clear: () => {
      tally = new Map();
    },
    summary: () =>
      [...tally].map(([kind, t]) => `${kind} ${t.count}x ${t.ms.toFixed(0)} ms (worst ${t.worst.toFixed(0)})`).join(', ') || 'none',
  };
}
