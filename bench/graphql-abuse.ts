// npm run bench:abuse -- [--seconds 10] [--clients 3] [--interval 20]
// What hostile GraphQL costs the chargers: one evcms process running the gateway and the API (they share
// one event loop under `npm start`), a charger sending a Heartbeat every 20 ms, measured for a quiet phase
// and for a phase while clients send the alias bomb, the oversize body, and the deep list and JSON
// variants in a loop. Prints Heartbeat answer times of both phases side by side, and what was refused.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ask, evcmsNodeFlags, forkScript, nextMessage, stopChild } from './api-ipc.js';
import { connectStation } from './api-ocpp.js';
import { benchEvcmsEnv, benchState, resetBenchApiState, type Seeded } from './api-state.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '3' },
    interval: { type: 'string', default: '20' },
  },
});
const seconds = Number(args.seconds);
const clients = Number(args.clients);
const intervalMs = Number(args.interval);
for (const [name, value] of Object.entries({ seconds, clients, interval: intervalMs })) {
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    process.stderr.write(`bench:abuse: --${name} takes a whole number from 1 to 10000\n`);
    process.exit(2);
  }
}
const say = (line: string) => process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);
const children: ChildProcess[] = [];

/** Heartbeat answer times (ms) for `seconds`, one Heartbeat every `intervalMs` (the next waits for the answer). */
async function heartbeats(station: Awaited<ReturnType<typeof connectStation>>): Promise<number[]> {
  const times: number[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const sent = performance.now();
    await station.call('Heartbeat', {});
    const took = performance.now() - sent;
    times.push(took);
    await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - took)));
  }
  return times;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const figures = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

async function main(): Promise<void> {
  await resetBenchApiState();
  const dataDir = join(benchState.dataRoot, 'abuse');
  mkdirSync(dataDir, { recursive: true });
  const evcms = forkScript('api-system.ts', benchEvcmsEnv('ocpp,api', dataDir, randomBytes(32).toString('hex'), 'error'), evcmsNodeFlags());
  children.push(evcms);
  const ready = await nextMessage<{ apiPort: number; ocppPort: number }>(evcms, (m) => m.type === 'ready', 120_000);
  const seeded = await ask<Seeded & { token: string }>(evcms, 'seed', { stations: 10 }, 120_000);
  const station = await connectStation(`ws://127.0.0.1:${ready.ocppPort}/ocpp`, seeded.identity, seeded.password);
  await station.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'abuse bench' });
  await heartbeats(station).then(
    () => undefined,
    () => undefined,
  ); // warm-up, not counted
  say(`quiet: a Heartbeat every ${intervalMs} ms for ${seconds} s`);
  const quiet = figures(await heartbeats(station));
  say(`attack: ${clients} clients sending hostile requests in a loop, the same Heartbeats meanwhile`);
  const load = forkScript('graphql-abuse-load.ts', {
    API_URL: `http://127.0.0.1:${ready.apiPort}`,
    TOKEN: seeded.token,
    SECONDS: String(seconds + 1),
    CLIENTS: String(clients),
  });
  children.push(load);
  const done = nextMessage<{ statuses: Record<string, number>; failures: Record<string, number> }>(
    load,
    (m) => m.type === 'done',
    (seconds + 60) * 1000,
  );
  await new Promise((r) => setTimeout(r, 500)); // the attack under way
  const attacked = figures(await heartbeats(station));
  const outcome = await done;
  await station.close();

  const row = (label: string, f: ReturnType<typeof figures>) =>
    `  ${label.padEnd(8)} ${String(f.count).padStart(6)} ${f.p50.toFixed(1).padStart(8)} ${f.p99.toFixed(1).padStart(8)} ${f.max.toFixed(1).padStart(8)}`;
  const refused = Object.entries(outcome.statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, n]) => sum + n, 0);
  process.stdout.write(
    [
      'Heartbeat answer time (ms), gateway and API in one process',
      `  ${'phase'.padEnd(8)} ${'count'.padStart(6)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
      row('quiet', quiet),
      row('attack', attacked),
      `hostile requests: ${refused} refused (by HTTP status: ${JSON.stringify(outcome.statuses)}), failed without an answer: ${JSON.stringify(outcome.failures)}`,
      `target: Heartbeat p99 under attack below 100 ms: ${attacked.p99 < 100 ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
}

try {
  await main();
} finally {
  for (const child of children) await stopChild(child, 10_000);
  await resetBenchApiState().catch(() => {});
}
