// npm run bench:ocpp -- [--stations 1000,10000] [--seconds 10] [--warmup 2] [--connect-concurrency 500]
//                       [--profile] [--heap-profile] [--roles ocpp+workers]        (BENCH_DEBUG=1 prints memory figures, worst latencies and server loop stalls;
//                       BENCH_SERVER_FLAGS='--trace-gc' passes Node flags to the evcms server, BENCH_LOAD_FLAGS to the load generator)
// The OCPP gateway against a bare `ws` server answering the same frames; server and load generator
// each in their own process, on this machine, traffic to 127.0.0.1 only. Prints one table per size.
// --profile writes a CPU profile of the evcms server per phase to $TMPDIR/evcms-bench-profiles and summarises
// each, with the busy stretches (no idle sample for 60 ms or more) that stall the loop;
// --heap-profile does the same for what the gateway allocates that outlives a young-generation GC.
import { type ChildProcess, type StdioOptions, fork, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchState, resetBenchState, seedStations, telemetryBacklog } from './bench-state.js';
import { evcmsNodeFlags, nextMessage } from './api-ipc.js';
import { summariseProfile } from './cpu-profile.js';
import { summariseHeapProfile } from './heap-profile.js';
import { busyCores, cpuSnapshot, cpuSpent, cpuUsed } from './cpu-usage.js';
import type { LoadRequest, PhaseResult } from './ocpp-load.js';
import { printTable, type Measured } from './ocpp-report.js';

const here = new URL('.', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '1000,10000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'connect-concurrency': { type: 'string', default: '500' },
    profile: { type: 'boolean', default: false },
    /** Samples what the gateway allocates that outlives a young-generation GC (see heap-profile.ts). */
    'heap-profile': { type: 'boolean', default: false },
    /**
     * The evcms processes: `+` separates processes, `,` the roles within one. By default the gateway and
     * the workers (the telemetry sink) run as deployed, in two processes; `ocpp,workers` puts both in one;
     * `ocpp` leaves the sink out (samples pile up in Redis); `ocpp+ocpp+workers` runs two gateway processes
     * sharing the port (OCPP_REUSE_PORT), measured together (CPU and memory summed, the worse loop delay).
     */
    roles: { type: 'string', default: 'ocpp+workers' },
  },
});
const sizes = args.stations.split(',').map((s) => Number(s.trim()));
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const concurrency = Number(args['connect-concurrency']);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 50_000) || !(seconds > 0 && seconds <= 300) || !(warmupSeconds >= 0)) {
  process.stderr.write('bench:ocpp: --stations takes whole numbers from 1 to 50000, --seconds 1 to 300\n');
  process.exit(2);
}

const openFiles = Number(/Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 'NaN');
const needed = Math.max(...sizes) + 1024;
if (Number.isFinite(openFiles) && openFiles < needed) {
  process.stderr.write(
    `bench:ocpp: the open-file limit is ${openFiles}, and ${Math.max(...sizes)} stations need about ${needed} per process ` +
      `(server and load generator). Raise it (ulimit -n ${needed}) or ask for fewer stations.\n`,
  );
  process.exit(2);
}

const state = benchState('evcms_bench');
const profileDir = join(tmpdir(), 'evcms-bench-profiles');
const profiling = args.profile || args['heap-profile'];
const passwordPrefix = 'bench-password-';
const idTag = 'BENCH0000001';
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 12_000);
/** Stations that connect and leave before the memory baseline (see measure). */
const WARMUP_STATIONS = 50;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// BENCH_BUILD=1: evcms runs compiled (scripts/build.sh into dist-bench/) with plain node, as production does.
const fromBuild = process.env.BENCH_BUILD === '1';
if (fromBuild) {
  const built = spawnSync('bash', [join(here, '../scripts/build.sh'), 'dist-bench', 'tsconfig.bench.json'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('bench: the build failed');
}

function spawn(script: string, env: Record<string, string> = {}, execArgv: string[] = [], nice = 0): ChildProcess {
  const options = { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as StdioOptions };
  if (fromBuild && script === 'evcms-server.ts') {
    const compiled = join(here, '../dist-bench/bench/evcms-server.js');
    if (nice) return spawnProcess('nice', ['-n', String(nice), process.execPath, ...execArgv, compiled], options);
    return fork(compiled, [], { execPath: process.execPath, execArgv, ...options });
  }
  // Niced from the start, so every thread inherits it: chDB's pools and V8's workers start at import.
  if (nice) {
    return spawnProcess('nice', ['-n', String(nice), process.execPath, '--import', 'tsx', ...execArgv, join(here, script)], options);
  }
  return fork(join(here, script), [], { execPath: process.execPath, execArgv: ['--import', 'tsx', ...execArgv], ...options });
}

const message = nextMessage;
const nodeFlags = evcmsNodeFlags();

let nextId = 1;
async function ask(load: ChildProcess, request: LoadRequest): Promise<PhaseResult> {
  const id = nextId++;
  const reply = message<{ result?: PhaseResult; error?: string }>(load, (m) => m.id === id, (seconds + warmupSeconds + 180) * 1000);
  load.send({ id, request });
  const answer = await reply;
  if (answer.error) throw new Error(`load generator: ${answer.error}`);
  return answer.result as PhaseResult;
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  await Promise.race([exited, sleep(graceMs)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** RSS and V8 heap in use (KB) of the gateway's processes together, after a full garbage collection. */
async function settledMemory(gateways: ChildProcess[]): Promise<{ rss: number; heap: number }> {
  // Idle long enough for V8's memory reducer (it starts 8 s after activity) to hand back unused pages.
  await sleep(SETTLE_MS);
  let heap = 0;
  for (const server of gateways) {
    const done = message<{ heapUsed: number; memory?: unknown }>(server, (m) => m.type === 'gc-done', 30_000);
    server.send({ type: 'gc' });
    const { heapUsed, memory } = await done;
    if (process.env.BENCH_DEBUG) say(`memory ${JSON.stringify(memory)} rss ${rssKb(server.pid as number)} KB`);
    heap += heapUsed / 1024;
  }
  await sleep(200);
  return { rss: gateways.reduce((kb, server) => kb + rssKb(server.pid as number), 0), heap };
}

/**
 * Waits, before a measured phase, until the machine is quiet: less than 0.15 of a core busy over 300 ms, or
 * 15 s at most. What the previous phase left running (the sink's chDB merges after the closed-loop
 * MeterValues, PostgreSQL writing back) then lands in neither server's figures. Both servers get it.
 */
async function settle(kind: string): Promise<void> {
  const started = Date.now();
  let from = cpuSnapshot([]);
  while (Date.now() - started < 15_000) {
    await sleep(300);
    const to = cpuSnapshot([]);
    if (busyCores(from, to) < 0.15) break;
    from = to;
  }
  if (process.env.BENCH_DEBUG) say(`${kind}: machine quiet after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Lets the telemetry sink catch up, so one phase's writes do not land in the next phase's figures. */
async function drainTelemetry(kind: string): Promise<void> {
  if (kind !== 'evcms' || !args.roles.includes('workers')) return;
  const until = Date.now() + 120_000;
  while (Date.now() < until && (await telemetryBacklog(state)) > 0) await sleep(500);
}

const processes = args.roles.split('+').map((p) => p.trim());
if (!processes.some((p) => p.split(',').includes('ocpp'))) {
  process.stderr.write('bench:ocpp: --roles needs a process with the ocpp role\n');
  process.exit(2);
}

/**
 * The gateway's processes (`gateways`: one, or several sharing the port), and the others (`helpers`: the
 * telemetry sink), each started in turn.
 */
async function startServer(kind: 'evcms' | 'bare'): Promise<{ gateways: ChildProcess[]; helpers: ChildProcess[]; port: number }> {
  if (kind === 'bare') {
    const child = spawn('bare-ws-server.ts', {}, ['--expose-gc', ...nodeFlags]);
    const { port } = await message<{ port: number }>(child, (m) => m.type === 'ready', 60_000);
    return { gateways: [child], helpers: [], port };
  }
  await resetBenchState(state);
  mkdirSync(state.dataDir, { recursive: true });
  const gateways: ChildProcess[] = [];
  const helpers: ChildProcess[] = [];
  let port = 0;
  const gatewayCount = processes.filter((p) => p.split(',').includes('ocpp')).length;
  for (const roles of processes) {
    const isGateway = roles.split(',').includes('ocpp');
    // The first gateway picks a free port; the others bind the same one (SO_REUSEPORT).
    const started = await startEvcms(roles, port, gatewayCount);
    if (isGateway) {
      gateways.push(started.child);
      port ||= started.port;
    } else helpers.push(started.child);
  }
  return { gateways, helpers, port };
}

async function startEvcms(roles: string, ocppPort: number, gatewayCount: number): Promise<{ child: ChildProcess; port: number }> {
  const gateway = roles.split(',').includes('ocpp');
  const stamp = Date.now();
  const child = spawn(
    'evcms-server.ts',
    {
      NODE_ENV: 'production',
      // The machine's Redis keeps nothing on disk; the figures are of evcms, not of Redis's fsync (see bench:faults).
      REDIS_DURABILITY: 'off',
      HOST: '127.0.0.1',
      OCPP_PORT: String(ocppPort),
      OCPP_REUSE_PORT: gatewayCount > 1 ? 'true' : 'false',
      ROLES: roles,
      DATABASE_URL: state.databaseUrl,
      REDIS_URL: state.redisUrl,
      REDIS_PREFIX: state.redisPrefix,
      CLICKHOUSE_DATABASE: 'evcms_bench',
      DATA_DIR: state.dataDir,
      SECRET_KEY: state.secretKey,
      LOG_LEVEL: 'warn',
      DEMO: '0',
      ...(profiling && gateway ? { BENCH_SOURCE_MAPS: join(profileDir, `sourcemaps-${stamp}.json`) } : {}),
      ...(args['heap-profile'] && gateway ? { BENCH_HEAP_PROFILE: join(profileDir, `heap-${stamp}.heapprofile`) } : {}),
      ...(args.profile && gateway ? { BENCH_CPU_PROFILES: join(profileDir, `cpu-${stamp}`) } : {}),
    },
    [
      '--expose-gc',
      ...nodeFlags,
      ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
      ...(profiling && gateway ? ['--enable-source-maps'] : []),
    ],
    // As a deployment would run it: the sink's batch work (and all of chDB's threads) yields the CPU to the OCPP path.
    gateway ? 0 : 10,
  );
  const { port } = await message<{ port: number }>(child, (m) => m.type === 'ready', 120_000);
  return { child, port };
}

async function measure(kind: 'evcms' | 'bare', stations: number): Promise<Measured> {
  const identities = Array.from({ length: stations }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')}`);
  const warmup = Array.from({ length: WARMUP_STATIONS }, (_, i) => `BENCH-WARM-${String(i + 1).padStart(3, '0')}`);
  const server = await startServer(kind);
  const load = spawn('ocpp-load.ts', {}, (process.env.BENCH_LOAD_FLAGS ?? '').split(' ').filter(Boolean));
  try {
    await message(load, (m) => m.type === 'ready', 60_000);
    if (kind === 'evcms') await seedStations(state, [...identities, ...warmup], passwordPrefix, idTag);
    const url = `ws://127.0.0.1:${server.port}/ocpp`;
    // One-time costs (code compiled on first use, database pools, buffers) are not any connection's:
    // a few other stations connect, boot and leave before the memory baseline is taken.
    await ask(load, { type: 'connect', url, identities: warmup, passwordPrefix, concurrency });
    await ask(load, { type: 'close' });
    const before = await settledMemory(server.gateways);
    const gatewayPids = server.gateways.map((g) => g.pid as number);
    const pids = [load.pid as number, ...gatewayPids, ...server.helpers.map((h) => h.pid as number)];
    const run = async (label: string, request: LoadRequest) => {
      if (request.type !== 'connect') {
        await drainTelemetry(kind);
        await settle(kind);
      }
      say(`${kind}: ${label}`);
      await Promise.all(
        server.gateways.map((g) => {
          const reset = message(g, (m) => m.type === 'loop-reset-done', 10_000);
          g.send({ type: 'loop-reset', phase: label });
          return reset;
        }),
      );
      const from = cpuSnapshot(pids, 'evcms_bench');
      const result = await ask(load, request);
      const to = cpuSnapshot(pids, 'evcms_bench');
      const spent = gatewayPids.map((pid) => cpuSpent(from, to, pid));
      const serverUs = spent.reduce((us, s) => us + s.process, 0);
      const sinkUs = server.helpers.reduce((us, h) => us + cpuSpent(from, to, h.pid as number).process, 0);
      // With several gateway processes: the worst of their loop delays.
      let p99 = 0;
      let max = 0;
      for (const g of server.gateways) {
        const loop = message<{ p99: number; max: number }>(g, (m) => m.type === 'loop', 10_000);
        g.send({ type: 'loop-read' });
        const delay = await loop;
        p99 = Math.max(p99, delay.p99);
        max = Math.max(max, delay.max);
      }
      const per = Math.max(1, result.answered);
      const store = spent[0]?.store ?? 0;
      const cpuUs = { server: serverUs / per, store: kind === 'evcms' ? store / per : 0, sink: sinkUs / per };
      if (process.env.BENCH_DEBUG) {
        say(
          `${kind}: ${label}: CPU per answered call: server ${cpuUs.server.toFixed(0)} µs, PostgreSQL+Redis ${cpuUs.store.toFixed(0)} µs, sink ${cpuUs.sink.toFixed(0)} µs`,
        );
      }
      return { ...result, cpuUs, loopDelayMs: { p99, max } };
    };
    const connect = await run(`connecting and booting ${stations} stations`, {
      type: 'connect',
      url,
      identities,
      passwordPrefix,
      concurrency,
    });
    const after = await settledMemory(server.gateways);
    if (connect.ok === 0) throw new Error(`${kind}: no station could connect: ${connect.errors.join('; ')}`);
    const cpuFrom = cpuSnapshot(pids);
    const heartbeat = await run('Heartbeat, closed loop', { type: 'closed', action: 'Heartbeat', seconds, warmupSeconds });
    const start = await run('StartTransaction on every station', { type: 'start-transactions', idTag, concurrency });
    const meter = await run('MeterValues, closed loop', { type: 'closed', action: 'MeterValues', seconds, warmupSeconds });
    const rate = (r: PhaseResult) => Math.max(1, Math.round((r.rps ?? 0) / 2));
    const heartbeatHalf = await run(`Heartbeat at ${rate(heartbeat)}/s`, {
      type: 'open',
      action: 'Heartbeat',
      rate: rate(heartbeat),
      seconds,
    });
    const meterHalf = await run(`MeterValues at ${rate(meter)}/s`, { type: 'open', action: 'MeterValues', rate: rate(meter), seconds });
    const names: Record<number, string> = { [load.pid as number]: 'load' };
    for (const pid of gatewayPids) names[pid] = 'server';
    for (const helper of server.helpers) names[helper.pid as number] = 'sink';
    const cpu = cpuUsed(cpuFrom, cpuSnapshot(pids), names);
    const perConnection = { rss: (after.rss - before.rss) / connect.ok, heap: (after.heap - before.heap) / connect.ok };
    return { stations, connect, perConnection, heartbeat, start, meter, heartbeatHalf, meterHalf, cpu };
  } finally {
    // The server goes first, as in a deployment: it answers what is in flight and closes the sockets.
    for (const gateway of server.gateways) await stopChild(gateway, 60_000);
    for (const helper of server.helpers) await stopChild(helper, 60_000);
    await stopChild(load);
  }
}

function say(line: string): void {
  process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function main(): Promise<void> {
  mkdirSync(profileDir, { recursive: true });
  const profilesBefore = new Set(readdirSync(profileDir));
  const git = (...a: string[]) => spawnSync('git', a, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain').split('\n').filter(Boolean).length;
  const machine = `${availableParallelism()} cores, Node ${process.version} ${nodeFlags.join(' ')}, code at ${git('rev-parse', '--short', 'HEAD') || '?'}${dirty ? ` + ${dirty} uncommitted files` : ''}`;
  try {
    for (const stations of sizes) {
      const bare = await measure('bare', stations);
      const evcms = await measure('evcms', stations);
      printTable({ stations, seconds, machine, evcms, bare });
    }
  } finally {
    await resetBenchState(state).catch((error: Error) => say(`cleanup failed: ${error.message}`));
  }
  if (profiling) {
    const fresh = readdirSync(profileDir)
      .filter((f) => !profilesBefore.has(f))
      .sort();
    // Files of one server share its start stamp: heap-STAMP, cpu-STAMP-NN-phase, sourcemaps-STAMP.
    const mapsOf = (file: string) => {
      const maps = join(profileDir, `sourcemaps-${/-(\d+)/.exec(file)?.[1]}.json`);
      return existsSync(maps) ? maps : undefined;
    };
    for (const file of fresh.filter((f) => f.endsWith('.heapprofile'))) {
      const summary = summariseHeapProfile(join(profileDir, file), 30, mapsOf(file));
      process.stdout.write(`\nHeap profile of the evcms server: ${join(profileDir, file)}\n${summary}\n`);
    }
    for (const file of fresh.filter((f) => f.endsWith('.cpuprofile'))) {
      const phase = /^cpu-\d+-\d+-(.*)\.cpuprofile$/.exec(file)?.[1]?.replaceAll('-', ' ') ?? file;
      const summary = summariseProfile(join(profileDir, file), 15, mapsOf(file));
      process.stdout.write(`\nCPU profile of the evcms server, ${phase}: ${join(profileDir, file)}\n${summary}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ocpp: ${(error as Error).message}\n`);
  process.exit(1);
});
