// bench/billing.ts's pricing phase, in a worker thread of its own: the pure pricing function alone, on the
// timelines billing priced, away from the billing's heap and connections. Sends back the rate and the sum.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { priceSession } from '../billing/pricing/index.js';
import type { SessionTimeline, TariffDefinition } from '../billing/tariff-model.js';

const { tariff, timelines, warmup } = workerData as { tariff: TariffDefinition; timelines: SessionTimeline[]; warmup: number };

function priceAll(list: SessionTimeline[]): number {
  let total = 0;
  for (const timeline of list) total += priceSession(tariff, timeline).totals.inclTaxMinor;
  return total;
}

priceAll(timelines.slice(0, warmup));
// This thread's CPU alone (Node 24), not the process's.
const cpu = process.threadCpuUsage();
const started = performance.now();
const totalMinor = priceAll(timelines);
const seconds = (performance.now() - started) / 1000;
const used = process.threadCpuUsage(cpu);
parentPort?.postMessage({ count: timelines.length, seconds, totalMinor, cpuUs: (used.user + used.system) / timelines.length });
