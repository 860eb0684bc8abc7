// npm run bench:api -- [--stations 10000] [--requests 2000] [--concurrency 8] [--warmup 200]
//                      [--subscribers 1000] [--frames 50] [--interval 200] [--profile]
// The GraphQL API on this machine: (1) latency of a page of stations over HTTP keep-alive, against a bare
// node:http server in the same process answering a body of the same size; (2) delay of sessionUpdated
// events from a station's MeterValues frame to each of many graphql-ws subscribers. The API, the
// gateway (with the workers) and the load generator run in three processes; traffic to 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ask, evcmsNodeFlags, forkScript, nextMessage, stopChild } from './api-ipc.js';
import type { DeliveryResult, DeliveryRun, HttpResult, HttpRun } from './api-load.js';
import { summariseProfile } from './cpu-profile.js';
import { type HttpFigures, printReport } from './api-report.js';
import { benchEvcmsEnv, benchState, resetBenchApiState, type Seeded } from './api-state.js';
import { wholeNumbers } from './options.js';

const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '200' },
    subscribers: { type: 'string', default: '1000' },
    frames: { type: 'string', default: '50' },
    interval: { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
  },
});
const number = wholeNumbers('bench:api', args);
const stations = number('stations', 50, 100_000);
const requests = number('requests', 1, 100_000);
const concurrency = number('concurrency', 1, 256);
const warmup = number('warmup', 0, 100_000);
const subscribers = number('subscribers', 1, 5000);
const frames = number('frames', 1, 1000);
const intervalMs = number('interval', 10, 10_000);

const openFiles = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 'NaN');
if (Number.isFinite(openFiles) && openFiles < subscribers + 1024) {
  process.stderr.write(`bench:api: the open-file limit is ${openFiles}; ${subscribers} subscribers need about ${subscribers + 1024}.\n`);
  process.exit(2);
}

const query = 'stations(first: 50) { totalCount nodes { identity name online status connectors { connectorId status } } }';
const secretKey = randomBytes(32).toString('hex');
const profileDir = join(tmpdir(), 'evcms-bench-api-profiles');
const sourceMaps = join(profileDir, `sourcemaps-${process.pid}.json`);
const children: ChildProcess[] = [];

const say = (line: string) => process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** CPU time (user + system) a process has used, in ms. */
const cpuMs = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return 0; // gone meanwhile
  }
};
/** CPU time of the local PostgreSQL backends serving the bench database, in ms. */
const postgresCpuMs = () =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${new URL(benchState.databaseUrl).pathname.slice(1)} `);
      } catch {
        return false;
      }
    })
    .reduce((sum, pid) => sum + cpuMs(Number(pid)), 0);
/** CPU time the whole machine spent busy (all cores), in ms. */
const machineBusyMs = () => {
  const [, user, nice, system, , , irq, softirq, steal] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .split(/\s+/)
    .map(Number);
  return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / ticks;
};

/** An evcms process with these roles, its own data directory, and the bench's database, Redis prefix and warehouse. */
async function startEvcms(roles: string, name: string, execArgv: string[] = []) {
  const dataDir = join(benchState.dataRoot, name);
  mkdirSync(dataDir, { recursive: true });
  const child = forkScript('api-system.ts', benchEvcmsEnv(roles, dataDir, secretKey), [...evcmsNodeFlags(), ...execArgv]);
  children.push(child);
  const ready = await nextMessage<{ apiPort: number; baselinePort: number; ocppPort: number }>(child, (m) => m.type === 'ready', 120_000);
  return { child, pid: child.pid as number, ...ready };
}

/** Runs a measured phase; with --profile, samples the API process's CPU meanwhile (set once the API runs). */
let profiled = <T>(_name: string, run: () => Promise<T>): Promise<T> => run();

async function measureHttp(
  load: ChildProcess,
  apiPid: number,
  url: string,
  headers: Record<string, string>,
  name?: string,
): Promise<HttpFigures> {
  const pids = { api: apiPid, load: load.pid as number };
  const body = JSON.stringify({ query: `{ ${query} }` });
  const run = (count: number) =>
    ask<HttpResult>(load, 'http', { url, headers, body, requests: count, concurrency, seconds: 120 } satisfies HttpRun, 180_000);
  if (warmup > 0) await run(warmup);
  const before = { api: cpuMs(pids.api), load: cpuMs(pids.load), postgres: postgresCpuMs(), machine: machineBusyMs() };
  const result = name ? await profiled(name, () => run(requests)) : await run(requests);
  const per = (ms: number) => Math.max(0, ms) / Math.max(1, result.latenciesMs.length);
  const cpuMsPerRequest = {
    api: per(cpuMs(pids.api) - before.api),
    postgres: per(postgresCpuMs() - before.postgres),
    load: per(cpuMs(pids.load) - before.load),
    machine: per(machineBusyMs() - before.machine),
  };
  return { ...result, cpuMsPerRequest };
}

async function main(): Promise<void> {
  const git = (...a: string[]) => spawnSync('git', a, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain').split('\n').filter(Boolean).length;
  const machine = `${availableParallelism()} cores, Node ${process.version}, code at ${git('rev-parse', '--short', 'HEAD') || '?'}${dirty ? ` + ${dirty} uncommitted files` : ''}`;
  mkdirSync(profileDir, { recursive: true });
  const profiles: Array<{ name: string; file: string }> = [];
  const idleFrom = machineBusyMs();
  await new Promise((r) => setTimeout(r, 1000));
  const busyBefore = (machineBusyMs() - idleFrom) / 10 / availableParallelism();
  await resetBenchApiState();
  try {
    say('starting the API process (migrates the database)');
    const api = await startEvcms('api', 'api', args.profile ? ['--enable-source-maps'] : []);
    profiled = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      if (!args.profile) return run();
      await ask(api.child, 'profileStart', {}, 10_000);
      try {
        return await run();
      } finally {
        const file = join(profileDir, `api-${name.replaceAll(' ', '-')}-${process.pid}.cpuprofile`);
        await ask(api.child, 'profileStop', { file, maps: sourceMaps }, 60_000);
        profiles.push({ name, file });
      }
    };
    say(`seeding ${stations} stations`);
    const seeded = await ask<Seeded & { token: string }>(api.child, 'seed', { stations }, 120_000);
    say('starting the gateway process (ocpp, workers) and the load generator');
    const gateway = await startEvcms('ocpp,workers', 'gateway');
    const load = forkScript('api-load.ts');
    children.push(load);
    await nextMessage(load, (m) => m.type === 'ready', 60_000);

    const apiUrl = `http://127.0.0.1:${api.apiPort}`;
    const headers = { authorization: `Bearer ${seeded.token}` };
    const probe = await ask<{ status: number; text: string }>(
      load,
      'probe',
      { url: `${apiUrl}/graphql`, headers, body: JSON.stringify({ query: `{ ${query} }` }) },
      60_000,
    );
    const page = JSON.parse(probe.text) as { data?: { stations?: { totalCount: number; nodes: unknown[] } } };
    if (probe.status !== 200 || page.data?.stations?.totalCount !== stations || page.data.stations.nodes.length !== 50)
      throw new Error(`the query did not answer 50 of ${stations} stations: HTTP ${probe.status} ${probe.text.slice(0, 300)}`);
    await ask(api.child, 'baselineBody', { body: probe.text }, 10_000);
    say(`query: ${warmup} warm-up and ${requests} measured requests, evcms then baseline`);
    const evcms = await measureHttp(load, api.pid, `${apiUrl}/graphql`, headers, 'stations query');
    const baseline = await measureHttp(load, api.pid, `http://127.0.0.1:${api.baselinePort}/graphql`, headers);

    say(`subscribing ${subscribers} graphql-ws clients`);
    const subscribed = await ask<{ connected: number; errors: string[] }>(
      load,
      'subscribe',
      { apiUrl, token: seeded.token, count: subscribers, identity: seeded.identity, seconds: 120 },
      180_000,
    );
    if (subscribed.connected !== subscribers) throw new Error(`only ${subscribed.connected} subscribers connected`);
    say(`sending ${frames} MeterValues frames every ${intervalMs} ms (after warm-up frames)`);
    const cpuBefore = { api: cpuMs(api.pid), gateway: cpuMs(gateway.pid), load: cpuMs(load.pid as number) };
    const run: DeliveryRun = {
      ocppUrl: `ws://127.0.0.1:${gateway.ocppPort}/ocpp`,
      identity: seeded.identity,
      password: seeded.password,
      idTag: seeded.idTag,
      frames,
      intervalMs,
      maxWarmupFrames: 50,
      drainSeconds: 15,
    };
    const delivery = await profiled('event delivery', () =>
      ask<DeliveryResult>(load, 'deliver', run, (frames + 50) * intervalMs + 120_000),
    );
    // The CPU of the warm-up frames is counted too: the figure is an upper bound per frame.
    const sent = frames + delivery.warmupFrames;
    const deliveryCpu = {
      api: (cpuMs(api.pid) - cpuBefore.api) / sent,
      gateway: (cpuMs(gateway.pid) - cpuBefore.gateway) / sent,
      load: (cpuMs(load.pid as number) - cpuBefore.load) / sent,
    };
    await ask(load, 'unsubscribe', {}, 60_000);

    const report = printReport({
      machine: `${machine}; ${busyBefore.toFixed(0)}% of the machine busy with other work in the second before the run`,
      cores: availableParallelism(),
      query: `{ ${query} }`,
      stations,
      requests,
      concurrency,
      warmup,
      evcms,
      baseline,
      subscribers,
      frames,
      intervalMs,
      delivery,
      deliveryCpu,
    });
    process.stdout.write(`\n${report}\n`);
  } finally {
    say('stopping and cleaning up');
    for (const child of [...children].reverse()) await stopChild(child);
    await resetBenchApiState().catch((error: Error) => say(`cleanup failed: ${error.message}`));
  }
  for (const { name, file } of profiles)
    process.stdout.write(`\nCPU profile of the API process, ${name}: ${file}\n${summariseProfile(file, 25, sourceMaps)}\n`);
}

// Ctrl-C: the children stop with the terminal's signal; what they leave behind is removed.
process.once('SIGINT', () => {
  say('interrupted: cleaning up');
  void Promise.all(children.map((child) => stopChild(child, 5000)))
    .then(() => resetBenchApiState())
    .finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:api: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
