// evcms as bench/ocpp.ts runs it: the composition of system/main.ts (roles from ROLES: the gateway
// with `ocpp`, the telemetry sink with `workers`) in its own process, configured by the environment
// the bench passes, driven over IPC.
import 'reflect-metadata';
import { readdirSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGateway } from '../ocpp/gateway.js';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps } from '../system/deps.js';
import { createLogger } from '../system/logger.js';
import { startWorkers } from '../workers/index.js';
import { reportLoopStalls } from './loop-stalls.js';
import { serveBenchControl } from './server-control.js';

const config = loadConfig(process.env);
const log = createLogger(config.LOG_LEVEL, { pretty: false });
const deps = await createDeps(config, log);
const workers = config.ROLES.includes('workers') ? await startWorkers(deps) : null;
const gateway = config.ROLES.includes('ocpp') ? await startGateway(deps) : null;

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
  deps.stopping = true;
  await gateway?.close().catch(() => {});
  await workers?.close().catch(() => {});
  await closeDeps(deps).catch(() => {});
  process.exit(0);
}

if (process.env.BENCH_DEBUG && gateway) reportLoopStalls();
serveBenchControl(stop, gateway?.port ?? 0);
