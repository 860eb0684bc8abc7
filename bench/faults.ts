// npm run bench:faults -- [--chargers 20] [--outage 15]
// evcms (gateway and workers in one process, as npm start runs them) on a Redis of its own and behind a TCP
// proxy to PostgreSQL, while chargers run sessions and a healthy station sends a Heartbeat every 100 ms. Each
// phase takes one service away: Redis killed (kill -9) and back from its AOF, Redis back empty, PostgreSQL
// refusing connections, PostgreSQL black-holed; during the PostgreSQL outages a group of chargers stops
// its sessions. Printed: samples answered against samples in the warehouse, stops answered against
// sessions closed, duplicates, crashes, and per phase the healthy station's Heartbeat p99 and the slowest
// answer any charger got. Targets: 0 lost, 0 duplicated, 0 crashes, every CALL answered within 10 s.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { OcppClient } from '../simulator/rpc.js';
import { startPrivateRedis } from '../test/faults/redis-server.js';
import { startTcpProxy } from '../test/faults/tcp-proxy.js';
import { type BenchState, resetBenchState, seedStations, telemetryBacklog } from './bench-state.js';
import { type CallRecord, faultCharger } from './faults-charger.js';

const { values: args } = parseArgs({
  options: { chargers: { type: 'string', default: '20' }, outage: { type: 'string', default: '15' } },
});
const chargerCount = Number(args.chargers);
const outageMs = Number(args.outage) * 1000;
if (!Number.isInteger(chargerCount) || chargerCount < 2 || chargerCount > 1000 || !(outageMs >= 1000 && outageMs <= 300_000)) {
  process.stderr.write('bench:faults: --chargers takes 2 to 1000, --outage 1 to 300 (seconds)\n');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`bench:faults: ${line}\n`);
const name = `evcms_faults_${process.pid}`;
const warehouseDb = 'evcms_faults';
const redis = await startPrivateRedis({ appendonly: 'always' });
const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
const state: BenchState = {
  databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`,
  redisUrl: redis.url,
  redisPrefix: name,
  dataDir: join(tmpdir(), `${name}-data`),
  secretKey: randomBytes(32).toString('hex'),
};
mkdirSync(state.dataDir, { recursive: true });

let crashed: string | null = null;
// The server's logs (a fault brings many) go to a file, not between the bench's lines.
const logFile = join(tmpdir(), `${name}.log`);
const logFd = openSync(logFile, 'w');
say(`evcms logs: ${logFile}`);
const server: ChildProcess = fork(new URL('./faults-server.ts', import.meta.url).pathname, [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', logFd, logFd, 'ipc'],
  env: {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    OCPP_PORT: '0',
    ROLES: 'ocpp,workers',
    DATABASE_URL: proxy.via(state.databaseUrl),
    REDIS_URL: state.redisUrl,
    REDIS_PREFIX: state.redisPrefix,
    CLICKHOUSE_DATABASE: warehouseDb,
    DATA_DIR: state.dataDir,
    SECRET_KEY: state.secretKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DEMO: '0',
  },
});
server.once('exit', (code, signal) => {
  crashed = `exited with ${signal ?? code}`;
});
const port = await new Promise<number>((resolve, reject) => {
  server.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port as number));
  server.once('exit', () => reject(new Error(`the evcms server did not start (${crashed})`)));
});

let queries = 0;
function warehouse<T>(query: string): Promise<T[]> {
  const id = ++queries;
  return new Promise((resolve, reject) => {
    const answer = (m: { type: string; id?: number; rows?: T[]; error?: string }) => {
      if (m.type !== 'rows' || m.id !== id) return;
      server.off('message', answer);
      if (m.error) reject(new Error(m.error));
      else resolve(m.rows as T[]);
    };
    server.on('message', answer);
    server.send({ type: 'warehouse', id, query });
  });
}

const passwordPrefix = 'faults-password-';
const idTag = 'FAULTS-TAG';
const identities = Array.from({ length: chargerCount }, (_, i) => `FAULTS-${String(i + 1).padStart(4, '0')}`);
await seedStations(state, [...identities, 'FAULTS-HEALTHY'], passwordPrefix, idTag);

let phase = 'warm-up';
const url = `ws://127.0.0.1:${port}/ocpp`;
const chargers = identities.map((identity) =>
  faultCharger({ url, identity, password: `${passwordPrefix}${identity}`, idTag, phase: () => phase }),
);
await Promise.all(chargers.map((c) => c.start()));

// The healthy station: one Heartbeat every 100 ms, each one's answer time kept with its phase.
const healthy = new OcppClient({ url, identity: 'FAULTS-HEALTHY', password: `${passwordPrefix}FAULTS-HEALTHY`, callTimeoutMs: 30_000 });
await healthy.connect();
const heartbeats: CallRecord[] = [];
const beating = setInterval(() => {
  const sent = performance.now();
  const at = phase;
  healthy.call('Heartbeat', {}).then(
    () => heartbeats.push({ action: 'Heartbeat', ms: performance.now() - sent, outcome: 'ok', phase: at }),
    (error: Error) => heartbeats.push({ action: 'Heartbeat', ms: Number.POSITIVE_INFINITY, outcome: error.message, phase: at }),
  );
}, 100);

const half = Math.floor(chargerCount / 2);
const groups = { a: chargers.slice(0, half), b: chargers.slice(half) };
const phases: string[] = [];
/** When each phase and each fault step began (ms since epoch), to place lost samples in time. */
const marks: Array<{ at: number; what: string; phase: string }> = [];
const mark = (what: string) => marks.push({ at: Date.now(), what, phase });
async function during(label: string, fault: () => Promise<void>): Promise<void> {
  phase = label;
  mark(label);
  phases.push(label);
  say(label);
  await fault();
  // Recovery counts in the phase: what a fault leaves behind is its own.
  await sleep(10_000);
}

await sleep(5_000);
await during('Redis killed (kill -9), back from its AOF', async () => {
  await redis.kill();
  mark('Redis killed');
  await sleep(outageMs);
  await redis.start();
  mark('Redis started from its AOF');
});
await during('Redis killed, back empty', async () => {
  await redis.kill();
  mark('Redis killed');
  await sleep(outageMs);
  await redis.start({ empty: true });
  mark('Redis started empty');
});
for (const [mode, group] of [
  ['refused', groups.a],
  ['blackholed', groups.b],
] as const) {
  await during(`PostgreSQL ${mode}, half the chargers stop`, async () => {
    proxy.cut(mode);
    await sleep(outageMs / 3);
    const stopping = Promise.all(group.map((c) => c.stop()));
    await sleep((outageMs * 2) / 3);
    proxy.restore();
    await stopping;
    await Promise.all(group.map((c) => c.newSession()));
  });
}
phase = 'final stops';
phases.push(phase);
await Promise.all(chargers.map((c) => c.stop()));
clearInterval(beating);
await Promise.all([...chargers.map((c) => c.close()), healthy.close()]);

say('waiting for the telemetry sink to drain the buffer');
const drainUntil = Date.now() + 120_000;
while (Date.now() < drainUntil && (await telemetryBacklog(state).catch(() => 1)) > 0) await sleep(500);
await sleep(3_000);

await report();
server.send({ type: 'stop' });
await new Promise((r) => server.once('exit', r));
await Promise.all([redis.close(), proxy.close()]);
await resetBenchState({ ...state, redisUrl: 'redis://127.0.0.1:6379' }).catch(() => {});
process.exit(0);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
function fmt(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : 'none';
}

async function report(): Promise<void> {
  const stored = await warehouse<{ station: string; ms: string }>(
    `SELECT station, toString(toUnixTimestamp64Milli(ts)) AS ms FROM ${warehouseDb}.meter_values FINAL WHERE source = 'MeterValues'`,
  );
  const [dups] = await warehouse<{ rows: string; ids: string; samples: string }>(
    `SELECT count() AS rows, uniqExact(sample_id) AS ids, uniqExact(station, ts, measurand) AS samples FROM ${warehouseDb}.meter_values FINAL`,
  );
  const have = new Set(stored.map((r) => `${r.station}@${r.ms}`));
  // A sample lost because Redis was killed within seconds of its answer (before the sink's next read) is
  // the loss of that kill's phase, not of the phase it was answered in.
  const blamedPhase = (s: { ms: number; phase: string }, identity: string) => {
    if (have.has(`${identity}@${s.ms}`)) return s.phase;
    const kill = marks.find((m) => m.what === 'Redis killed' && m.at >= s.ms && m.at - s.ms < 5_000);
    return kill?.phase ?? s.phase;
  };
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  const sessions = (
    await db.query<{ id: number; state: string; meter_stop_wh: string | null; energy_wh: string | null }>(
      'select transaction_id::int as id, state, meter_stop_wh::text, energy_wh::text from charging_session',
    )
  ).rows;
  await db.end();
  const byId = new Map(sessions.map((s) => [s.id, s]));

  const lines = [
    '',
    `bench:faults: ${chargerCount} chargers, outages of ${outageMs / 1000} s, evcms ${crashed ? `CRASHED (${crashed})` : 'alive throughout'}`,
  ];
  lines.push(
    '| phase | healthy Heartbeat p50 / p99 / max | slowest charger answer | answered > 10 s or never | CALLERRORs | samples answered / lost |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- |');
  const calls = chargers.flatMap((c) => c.calls);
  let lost = 0;
  let answered = 0;
  const lostAt: number[] = [];
  for (const label of ['warm-up', ...phases]) {
    const beats = heartbeats.filter((h) => h.phase === label).map((h) => h.ms);
    const mine = calls.filter((c) => c.phase === label);
    const late = mine.filter((c) => !(c.ms <= 10_000)).length + beats.filter((ms) => !(ms <= 10_000)).length;
    const errors = new Map<string, number>();
    for (const c of mine)
      if (c.outcome !== 'ok' && c.outcome !== 'timeout')
        errors.set(`${c.action} ${c.outcome}`, (errors.get(`${c.action} ${c.outcome}`) ?? 0) + 1);
    let phaseAnswered = 0;
    let phaseLost = 0;
    for (const c of chargers) {
      for (const s of c.answeredSamples) {
        if (blamedPhase(s, c.identity) !== label) continue;
        phaseAnswered++;
        if (!have.has(`${c.identity}@${s.ms}`)) {
          phaseLost++;
          lostAt.push(s.ms);
        }
      }
    }
    answered += phaseAnswered;
    lost += phaseLost;
    const slowest = Math.max(0, ...mine.map((c) => c.ms));
    lines.push(
      `| ${label} | ${fmt(percentile(beats, 50))} / ${fmt(percentile(beats, 99))} / ${fmt(Math.max(0, ...beats))} | ${fmt(slowest)} | ${late} | ${[...errors].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'} | ${phaseAnswered} / ${phaseLost} |`,
    );
  }
  if (lostAt.length) {
    const first = Math.min(...lostAt);
    const last = Math.max(...lostAt);
    const around = marks.filter((m) => m.at <= last + 5000 && m.at >= first - 60_000);
    lines.push('', `lost samples were answered from ${new Date(first).toISOString()} to ${new Date(last).toISOString()}; around then:`);
    for (const m of around) lines.push(`  ${new Date(m.at).toISOString()} ${m.what}`);
  }
  const stops = chargers.flatMap((c) => c.stops);
  const given = stops.filter((s) => !s.answered).length;
  const wrong = stops.filter((s) => {
    const row = byId.get(s.transactionId);
    return s.answered && (row?.state !== 'Completed' || row.meter_stop_wh !== String(s.meterStop));
  }).length;
  const stillOpen = sessions.filter((s) => s.state === 'Active').length;
  lines.push('');
  lines.push(
    `samples: ${answered} answered, ${lost} of them not in the warehouse; rows ${dups?.rows}, distinct samples ${dups?.samples}, distinct ids ${dups?.ids}`,
  );
  lines.push(
    `stops: ${stops.length} sent, ${stops.length - given} answered, ${given} given up after 3 attempts; ${wrong} answered but not closed with their meterStop; ${stillOpen} sessions still open; ${sessions.length} sessions in all`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
