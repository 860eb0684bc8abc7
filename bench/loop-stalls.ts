// BENCH_DEBUG=1: the evcms server (and the load generator) prints each event-loop stall over 60 ms with what it spent meanwhile
// (CPU of all its threads, context switches) and the garbage collections that overlapped it, so a
// latency spike can be told apart: GC, our own code (CPU ~ gap), or a starved process (CPU << gap).
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Node's GC performance entry kinds, by name. */
export const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'major', 8: 'incremental', 16: 'weak' };

export function reportLoopStalls(who = 'server', thresholdMs = 60): void {
  const gcs: Array<{ start: number; end: number; label: string }> = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gcs.push({
        start: entry.startTime,
        end: entry.startTime + entry.duration,
        label: `${GC_KINDS[kind] ?? kind} ${entry.duration.toFixed(0)}`,
      });
    }
    if (gcs.length > 1000) gcs.splice(0, 500);
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let cpu = process.cpuUsage();
  let usage = process.resourceUsage();
  setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    const spent = process.cpuUsage(cpu);
    const next = process.resourceUsage();
    if (gap > thresholdMs) {
      const gc = gcs.filter((g) => g.end > last && g.start < now).map((g) => g.label);
      process.stderr.write(
        `  ${new Date().toISOString().slice(11, 23)} ${who} loop stalled ${gap.toFixed(0)} ms: CPU ${((spent.user + spent.system) / 1000).toFixed(0)} ms, ` +
          `switches ${next.voluntaryContextSwitches - usage.voluntaryContextSwitches} voluntary / ` +
          `${next.involuntaryContextSwitches - usage.involuntaryContextSwitches} forced, GC [${gc.join(', ')}]\n`,
      );
    }
    last = now;
    cpu = process.cpuUsage();
    usage = next;
  }, 10).unref();
}
