// evcms as bench/ocpp.ts runs it: the composition of system/main.ts (roles from ROLES: the gateway
// with `ocpp`, the telemetry sink with `workers`) in its own process, configured by the environment
// the bench passes, driven over IPC.
import 'reflect-metadata';
import { readdirSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';
import { startCpuProfile } from './cpu-profile.js';
import { startHeapSampling } from './heap-profile.js';
import { reportLoopStalls } from './loop-stalls.js';
import { serveBenchControl } from './server-control.js';

const config = loadConfig(process.env);
const log = createLogger(config.LOG_LEVEL, { pretty: false });
const deps = await createDeps(config, log);
// Each role's code loaded only when it runs, as system/main.ts does.
const workers = config.ROLES.includes('workers') ? await (await import('../workers/index.js')).startWorkers(deps) : null;
const gateway = config.ROLES.includes('ocpp') ? await (await import('../ocpp/gateway.js')).startGateway(deps) : null;
const heapFile = gateway ? process.env.BENCH_HEAP_PROFILE : undefined;
let stopHeapSampling = heapFile ? await startHeapSampling(heapFile) : null;
/** BENCH_CPU_PROFILES=PREFIX: one CPU profile per measured phase, PREFIX-{nn}-{phase}.cpuprofile. */
const cpuPrefix = gateway ? process.env.BENCH_CPU_PROFILES : undefined;
let stopCpuProfile: (() => Promise<void>) | null = null;
let phases = 0;

/**
 * As each phase starts: the answer-time histogram starts afresh, heap sampling starts again (so the profile
 * written at the end covers the last phase), and a new CPU profile begins.
 */
async function phaseStarted(phase: string): Promise<void> {
  deps.metrics.ocppHandlerSeconds.reset();
  if (heapFile && stopHeapSampling) {
    await stopHeapSampling();
    stopHeapSampling = await startHeapSampling(heapFile);
  }
  if (cpuPrefix) {
    await stopCpuProfile?.();
    const name = phase.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '');
    stopCpuProfile = await startCpuProfile(`${cpuPrefix}-${String(++phases).padStart(2, '0')}-${name}.cpuprofile`);
  }
}

/** With BENCH_SOURCE_MAPS set (and --enable-source-maps), writes the source maps of our loaded files there. */
function dumpSourceMaps(): void {
  const file = process.env.BENCH_SOURCE_MAPS;
  if (!file) return;
  const root = new URL('..', import.meta.url).pathname;
  const maps: Record<string, unknown> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'data' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const url = pathToFileURL(path).href;
        const map = findSourceMap(url);
        if (map) maps[url] = map.payload;
      }
    }
  };
  walk(root);
  writeFileSync(file, JSON.stringify(maps));
}

async function stop(): Promise<void> {
  dumpSourceMaps();
  await stopHeapSampling?.().catch(() => {});
  await stopCpuProfile?.().catch(() => {});
  deps.stopping = true;
  await gateway?.close().catch(() => {});
  await workers?.close().catch(() => {});
  await closeDeps(deps).catch(() => {});
  process.exit(0);
}

if (process.env.BENCH_DEBUG && gateway) {
  reportLoopStalls();
  // Lines up the times of Node's GC traces (ms since the process started) with the load generator's (epoch).
  process.stderr.write(`  gateway process ${process.pid} started at ${(performance.timeOrigin / 1000).toFixed(3)} (epoch s)\n`);
  // How long the gateway took from reading a CALL to sending its answer (Redis hand-off included), per phase.
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'loop-read') return;
    void deps.metrics.ocppHandlerSeconds.get().then(({ values }) => {
      const counts = values.filter((v) => v.metricName?.endsWith('_bucket'));
      const byAction = new Map<string, string[]>();
      for (const v of counts) {
        const action = String(v.labels.action);
        const list = byAction.get(action) ?? [];
        list.push(`<=${(v.labels as Record<string, unknown>).le}: ${v.value}`);
        byAction.set(action, list);
      }
      for (const [action, buckets] of byAction) process.stderr.write(`  server answer time, ${action}: ${buckets.join(', ')}\n`);
    });
  });
}
serveBenchControl(stop, gateway?.port ?? 0, phaseStarted);
