// npm run bench:alerts -- [--stations 10000] [--minutes 3] [--percent 1] [--seconds 10] [--connect-concurrency 100]
// Alerts under load: N stations connected to the gateway (bench/ocpp-load.ts), heartbeating, and each minute
// `--percent` of them faulting, going offline or boot-looping (bench/alerts-incidents.ts). For every alert:
// from when its condition began (or, offline, passed its threshold) to its alert.raised event, and from when
// it cleared to its alert.resolved event. Then the gateway's Heartbeat closed loop, measured while the
// incidents go on, against a second evcms with the alerts off (ALERTS=false), in the same run.
// Thresholds are small (alert_settings) so that a run takes minutes: offline 1 min, 3 boots in 1 min.
import { type ChildProcess, type StdioOptions, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { conditions, thresholdSql } from '../alerts/conditions.js';
import { defaultThresholds } from '../alerts/settings.js';
import type { Incident, IncidentKind } from './alerts-incidents.js';
import { type AlertEvent, type Outcome, type RunFigures, latencies, printAlertTable } from './alerts-report.js';
import { evcmsNodeFlags, forkScript, nextMessage } from './api-ipc.js';
import { benchState, resetBenchState, seedStations } from './bench-state.js';
import { cpuSnapshot, cpuSpent, cpuUsed } from './cpu-usage.js';
import type { LoadRequest, PhaseResult } from './ocpp-load.js';
import { wholeNumbers } from './options.js';

const here = new URL('.', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '3' },
    percent: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    'connect-concurrency': { type: 'string', default: '100' },
  },
});
const number = wholeNumbers('bench:alerts', args);
const stations = number('stations', 30, 50_000);
const minutes = number('minutes', 1, 60);
const percent = number('percent', 1, 10);
const seconds = number('seconds', 1, 120);
const concurrency = number('connect-concurrency', 1, 5000);

const openFiles = Number(/Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 'NaN');
if (Number.isFinite(openFiles) && openFiles < stations + 1024) {
  process.stderr.write(`bench:alerts: the open-file limit is ${openFiles}; raise it (ulimit -n ${stations + 1024})\n`);
  process.exit(2);
}

/** The thresholds of the bench's organisation, and how the incidents are played against them. */
const thresholds = { offlineMinutes: 1, bootLoopBoots: 3, bootLoopMinutes: 1 };
const play = { faultSeconds: 30, offlineSeconds: thresholds.offlineMinutes * 60 + 30, boots: 4, bootGapMs: 2000 };
/** Before the incidents: the boots of the connect leave the boot-loop window. */
const leadMs = thresholds.bootLoopMinutes * 60_000 + 5000;
/** The Heartbeat closed loop starts this long after the incidents do, in both runs. */
const windowAtMs = 30_000;

const state = benchState('evcms_bench_alerts');
const passwordPrefix = 'bench-password-';
const nodeFlags = evcmsNodeFlags();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** A small deterministic generator, so that both runs play the same incidents. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `percent` of the stations each minute, spread over it, each station once, the three kinds in turn. */
function schedule(count: number, untilMs: number): Incident[] {
  const next = random(19);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const perMinute = Math.max(3, Math.round((count * percent) / 100));
  const kinds: IncidentKind[] = ['fault', 'offline', 'boot-loop'];
  const incidents: Incident[] = [];
  for (let minute = 0; minute * 60_000 < untilMs; minute++)
    for (let i = 0; i < perMinute && incidents.length < order.length; i++) {
      const atMs = minute * 60_000 + Math.floor(((i + next()) / perMinute) * 60_000);
      if (atMs < untilMs) incidents.push({ station: order[incidents.length] as number, kind: kinds[i % 3] as IncidentKind, atMs });
    }
  return incidents;
}

function start(script: string, env: Record<string, string>, nice: number): ChildProcess {
  const stdio: StdioOptions = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (!nice) return forkScript(script, env, nodeFlags);
  const argv = ['-n', String(nice), process.execPath, '--import', 'tsx', ...nodeFlags, join(here, script)];
  return spawn('nice', argv, { env: { ...process.env, ...env }, stdio });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  await Promise.race([exited, sleep(60_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The gateway and the workers (niced, as bench:ocpp runs them), with the alerts on or off. */
async function startEvcms(alerts: boolean): Promise<{ gateway: ChildProcess; workers: ChildProcess; port: number }> {
  await resetBenchState(state);
  mkdirSync(state.dataDir, { recursive: true });
  const env = (roles: string) => ({
    NODE_ENV: 'production',
    REDIS_DURABILITY: 'off',
    HOST: '127.0.0.1',
    OCPP_PORT: '0',
    ROLES: roles,
    DATABASE_URL: state.databaseUrl,
    REDIS_URL: state.redisUrl,
    REDIS_PREFIX: state.redisPrefix,
    CLICKHOUSE_DATABASE: 'evcms_bench_alerts',
    DATA_DIR: state.dataDir,
    SECRET_KEY: state.secretKey,
    LOG_LEVEL: 'warn',
    DEMO: '0',
    ALERTS: String(alerts),
  });
  const gateway = start('evcms-server.ts', env('ocpp'), 0);
  const { port } = await nextMessage<{ port: number }>(gateway, (m) => m.type === 'ready', 120_000);
  const workers = start('evcms-server.ts', env('workers'), 10);
  await nextMessage(workers, (m) => m.type === 'ready', 120_000);
  return { gateway, workers, port };
}

/** The bench's stations belong to one organisation, with the small thresholds. */
async function seed(identities: string[]): Promise<void> {
  await seedStations(state, identities, passwordPrefix, 'BENCH0000001');
  const client = new pg.Client({ connectionString: state.databaseUrl });
  await client.connect();
  try {
    const organisation = randomUUID();
    await client.query(`insert into organisation (id, name, slug, created_at) values ($1, 'Bench', 'bench', now())`, [organisation]);
    await client.query('update station set organisation_id = $1', [organisation]);
    await client.query(`insert into alert_settings (organisation_id, thresholds, emails, updated_at) values ($1, $2, '[]', now())`, [
      organisation,
      JSON.stringify(thresholds),
    ]);
  } finally {
    await client.end();
  }
}

/** Every alert event of the bench's prefix, with when it arrived. */
async function listen(): Promise<{ events: AlertEvent[]; close: () => void }> {
  const redis = new Redis(state.redisUrl);
  const events: AlertEvent[] = [];
  redis.on('message', (channel: string, message: string) => {
    const seenAt = Date.now();
    const change = channel.endsWith('alert.raised') ? 'raised' : 'resolved';
    const parsed = JSON.parse(message) as AlertEvent['event'] | AlertEvent['event'][];
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) events.push({ change, seenAt, event });
  });
  await redis.subscribe(`${state.redisPrefix}:events:alert.raised`, `${state.redisPrefix}:events:alert.resolved`);
  return { events, close: () => redis.disconnect() };
}

/**
 * PostgreSQL's statistics, as autovacuum keeps them in a deployment (this machine's PostgreSQL runs without it):
 * without them the planner takes the freshly filled station table for one row.
 */
async function analyze(): Promise<void> {
  const client = new pg.Client({ connectionString: state.databaseUrl });
  await client.connect();
  await client.query('analyze').finally(() => client.end());
}

/** How long one evaluation of every alert condition takes now (EXPLAIN ANALYZE of the sweep's query), in ms. */
async function conditionsMs(): Promise<number> {
  const th = thresholdSql(defaultThresholds as unknown as Record<string, number>);
  const sql = conditions.map((c) => `select '${c.kind}'::text as kind, q.* from (${c.sql(th)}) q`).join('\nunion all\n');
  const client = new pg.Client({ connectionString: state.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`explain (analyze, format json) ${sql}`);
    return Number((rows[0] as { 'QUERY PLAN': [{ 'Execution Time': number }] })['QUERY PLAN'][0]['Execution Time']);
  } finally {
    await client.end();
  }
}

let nextId = 1;
async function ask(load: ChildProcess, request: LoadRequest, timeoutMs: number): Promise<PhaseResult> {
  const id = nextId++;
  const reply = nextMessage<{ result?: PhaseResult; error?: string }>(load, (m) => m.id === id, timeoutMs);
  load.send({ id, request });
  const answer = await reply;
  if (answer.error) throw new Error(`load generator: ${answer.error}`);
  return answer.result as PhaseResult;
}

type Run = RunFigures;

/**
 * One evcms: connect and boot, heartbeat every 30 s (open loop), then the incidents; the Heartbeat closed loop
 * `windowAtMs` into them. With the alerts on, the incidents of `minutes` minutes are played to the end and the
 * alerts waited for; off, the run ends after the closed loop.
 */
async function measure(alerts: boolean): Promise<Run> {
  const label = alerts ? 'alerts on' : 'alerts off';
  const identities = Array.from({ length: stations }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')}`);
  const server = await startEvcms(alerts);
  const load = forkScript('ocpp-load.ts');
  const listener = await listen();
  const names = { [server.gateway.pid as number]: 'gateway', [server.workers.pid as number]: 'workers', [load.pid as number]: 'load' };
  const pids = Object.keys(names).map(Number);
  try {
    await nextMessage(load, (m) => m.type === 'ready', 60_000);
    await seed(identities);
    say(`${label}: connecting and booting ${stations} stations`);
    const url = `ws://127.0.0.1:${server.port}/ocpp`;
    const connect = await ask(load, { type: 'connect', url, identities, passwordPrefix, concurrency }, 300_000);
    // On a busy machine a few boots of the storm can time out; those stations simply take no part.
    if (connect.failed > stations / 100) throw new Error(`${connect.failed} stations could not connect: ${connect.errors.join('; ')}`);
    if (connect.failed) say(`${label}: ${connect.failed} stations could not connect (${connect.errors.join('; ')}); going on without them`);
    await analyze();
    const lead = alerts ? leadMs : 0;
    const length = alerts ? minutes * 60_000 : windowAtMs + seconds * 1000 + 2000;
    const totalSeconds = Math.ceil((lead + length + play.offlineSeconds * 1000 + 30_000) / 1000);
    const heartbeats = ask(
      load,
      { type: 'open', action: 'Heartbeat', rate: Math.max(1, stations / 30), seconds: totalSeconds },
      (totalSeconds + 120) * 1000,
    );
    heartbeats.catch(() => {}); // ends with the run; its failures (stations offline) are not the figures
    await sleep(lead);
    const incidents = schedule(connect.ok, length);
    say(`${label}: ${incidents.length} incidents over ${(length / 60_000).toFixed(1)} minutes`);
    const cpuFrom = cpuSnapshot(pids, 'evcms_bench_alerts');
    const played = ask(load, { type: 'incidents', incidents, ...play }, length + play.offlineSeconds * 1000 + 180_000);
    played.catch(() => {}); // with the alerts off, the run ends before the incidents do
    await sleep(windowAtMs);
    say(`${label}: Heartbeat, closed loop, ${seconds} s`);
    const windowFrom = cpuSnapshot(pids, 'evcms_bench_alerts');
    const heartbeat = await ask(load, { type: 'closed', action: 'Heartbeat', seconds, warmupSeconds: 2 }, (seconds + 120) * 1000);
    const windowTo = cpuSnapshot(pids, 'evcms_bench_alerts');
    const cpuWindow = cpuUsed(windowFrom, windowTo, names);
    // CPU per answered Heartbeat: on a shared machine a fairer comparison of the two runs than the rate.
    const spent = cpuSpent(windowFrom, windowTo, server.gateway.pid as number);
    const perCall = { gateway: spent.process / Math.max(1, heartbeat.answered), store: spent.store / Math.max(1, heartbeat.answered) };
    const figures = { heartbeat, cpuWindow, perCall, connectSeconds: connect.seconds };
    if (!alerts) return { ...figures, cpuIncidents: {}, timings: [], events: [] };
    const timings = (await played).incidents ?? [];
    const cpuIncidents = cpuUsed(cpuFrom, cpuSnapshot(pids, 'evcms_bench_alerts'), names);
    const sweepMs = await conditionsMs();
    say(`${label}: incidents played; waiting for the last alerts`);
    const expected = timings.filter((t) => !t.error).length;
    const until = Date.now() + 30_000;
    while (Date.now() < until && listener.events.filter((e) => e.change === 'resolved').length < expected) await sleep(500);
    await sleep(2000); // stragglers (a second alert for one cause would show as unexpected)
    return { ...figures, cpuIncidents, timings, events: [...listener.events], sweepMs };
  } finally {
    listener.close();
    await stopChild(server.gateway);
    await stopChild(server.workers);
    await stopChild(load);
  }
}

async function main(): Promise<void> {
  const git = (...a: string[]) => (spawnSync('git', a, { encoding: 'utf8' }).stdout ?? '').trim();
  const machine = `${availableParallelism()} cores, Node ${process.version}, code at ${git('rev-parse', '--short', 'HEAD') || '?'}`;
  try {
    const on = await measure(true);
    const off = await measure(false).catch((error: Error) => {
      say(`the run with the alerts off failed: ${error.message}`);
      return null;
    });
    const outcome: Outcome = latencies(on.timings, on.events, thresholds, play);
    printAlertTable({ stations, minutes, percent, seconds, machine, on, off, outcome });
  } finally {
    await resetBenchState(state).catch((error: Error) => say(`cleanup failed: ${error.message}`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:alerts: ${(error as Error).message}\n`);
  process.exit(1);
});
