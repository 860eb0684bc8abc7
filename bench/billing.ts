// npm run bench:billing -- [--sessions 100000] [--batch 500] [--concurrency 3] [--stations 100] [--drivers 1000]
//                          [--sample-seconds 300]
// Billing in one worker: ended sessions with meter samples in the warehouse, priced, invoiced and paid from the
// drivers' wallets by the billing sweep (workers/billing-sweep.ts, what the workers role runs every 30 s), in bills per second; beside it, in the same
// run, bare PostgreSQL inserts of invoice-sized rows (the baseline) and the pure pricing function alone on the
// same timelines. The bench has its own PostgreSQL database, Redis prefix and warehouse, removed at the end.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../system/config.js';
import { closeDeps, createDeps, type Deps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';
import { dropDatabase } from '../test/system.js';
import { billPending, type SweepResult } from '../workers/billing-sweep.js';
import { bareInserts, type Checks, checks, measured, priceAlone, type Rate, readTimelines } from './billing-measure.js';
import { benchTariff, seedBilling } from './billing-seed.js';
import { wholeNumbers } from './options.js';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '3' },
    stations: { type: 'string', default: '100' },
    drivers: { type: 'string', default: '1000' },
    'sample-seconds': { type: 'string', default: '300' },
  },
});
const number = wholeNumbers('bench:billing', args);
const sessions = number('sessions', 100, 2_000_000);
const batch = number('batch', 1, 5000);
const concurrency = number('concurrency', 1, 16);
const stations = number('stations', 1, 10_000);
const drivers = number('drivers', 1, 100_000);
const sampleSeconds = number('sample-seconds', 10, 3600);

const targets = { billsPerSecond: 2000, pricedPerSecond: 50_000 };
const name = 'evcms_bench_billing';
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evcms');
  url.pathname = `/${name}`;
  return url.toString();
})();
const dataDir = join(tmpdir(), 'evcms-bench-billing');

const say = (line: string) => process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);
const whole = (n: number) => Math.round(n).toLocaleString('en-US');

async function openBenchDeps(): Promise<Deps> {
  const config = loadConfig({
    NODE_ENV: 'production',
    // The figures are of billing, not of Redis's fsync.
    REDIS_DURABILITY: 'off',
    ROLES: 'workers',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: 'evcms-bench-billing',
    CLICKHOUSE_DATABASE: name,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    DEMO: '0',
  });
  return createDeps(config, createLogger(config.LOG_LEVEL, { pretty: false }));
}

async function cleanUp(deps: Deps | null): Promise<void> {
  if (deps) {
    await deps.warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${name}` }).catch(() => {});
    const keys = await deps.redis.keys('evcms-bench-billing:*').catch(() => [] as string[]);
    if (keys.length) await deps.redis.del(...keys).catch(() => {});
    await closeDeps(deps).catch(() => {});
  }
  await dropDatabase(databaseUrl).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}

function report(machine: string, bills: Rate, sweep: SweepResult, baseline: Rate, pricing: Rate, checked: Checks, priced: number) {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const cpu = (rate: Rate) => `${whole(rate.cpuUs.process)} µs here + ${whole(rate.cpuUs.store)} µs PostgreSQL/Redis`;
  const lines = [
    '',
    `bench:billing: ${whole(sessions)} ended sessions, ${stations} stations, ${drivers} drivers, a reading every ${sampleSeconds} s; one worker, batches of ${batch}, ${concurrency} at once`,
    `machine: ${machine}`,
    '',
    '| figure | evcms | baseline (same run) | target |',
    '| --- | --- | --- | --- |',
    `| bills/s (read, price, invoice, pay from the wallet) | ${whole(bills.perSecond)} (${bills.seconds.toFixed(1)} s) | bare PostgreSQL inserts of invoice-sized rows: ${whole(baseline.perSecond)} rows/s (evcms ${(bills.perSecond / baseline.perSecond).toFixed(2)} of it) | ≥ ${whole(targets.billsPerSecond)} (${met(bills.perSecond >= targets.billsPerSecond)}) |`,
    `| priceSession alone, sessions/s | ${whole(pricing.perSecond)} | | ≥ ${whole(targets.pricedPerSecond)} (${met(pricing.perSecond >= targets.pricedPerSecond)}) |`,
    '',
    `CPU per bill: ${cpu(bills)}; per baseline row: ${cpu(baseline)}; per priced session: ${pricing.cpuUs.process.toFixed(1)} µs (its thread)`,
    `what the CPU alone allows, machine to itself: ${whole((availableParallelism() * 1e6) / (bills.cpuUs.process + bills.cpuUs.store))} bills/s on ${availableParallelism()} cores, ${whole(1e6 / pricing.cpuUs.process)} priced sessions/s on one`,
    `machine busy while billing: ${bills.busyCores.toFixed(2)} of ${availableParallelism()} cores, ${bills.otherCores.toFixed(2)} by other processes${bills.otherCores > 0.15 ? ' (the machine was shared: figures are noisy)' : ''}; while pricing: ${pricing.otherCores.toFixed(2)} by others`,
    `sweep: ${whole(sweep.billed)} billed (${whole(sweep.paid)} paid from wallets), ${sweep.free} free, ${sweep.held} held, ${sweep.failed} failed, in ${sweep.batches} batches`,
    `checks: ${whole(checked.invoices)} invoices, ${checked.pending} sessions left pending, numbers gap-free: ${checked.numbersGapFree}, ledger sum ${checked.ledgerSum}, wallets below their limit ${checked.walletsBelowLimit}, ${whole(checked.charges)} wallet charges for ${whole(checked.paid)} paid invoices (${whole(checked.open)} open), invoiced ${whole(checked.invoicedMinor)} RWF = priced alone ${whole(priced)} RWF: ${checked.invoicedMinor === priced}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function passed(checked: Checks, priced: number): boolean {
  return (
    checked.invoices === sessions &&
    checked.pending === 0 &&
    checked.numbersGapFree &&
    checked.ledgerSum === 0 &&
    checked.walletsBelowLimit === 0 &&
    checked.charges === checked.paid &&
    checked.invoicedMinor === priced
  );
}

const started = performance.now();

async function main(): Promise<boolean> {
  const git = (...a: string[]) => spawnSync('git', a, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain').split('\n').filter(Boolean).length;
  const machine = `${availableParallelism()} cores, Node ${process.version}, code at ${git('rev-parse', '--short', 'HEAD') || '?'}${dirty ? ` + ${dirty} uncommitted files` : ''}`;
  await cleanUp(null);
  let deps: Deps | null = null;
  try {
    say('opening PostgreSQL (migrated), Redis and the warehouse');
    const opened = await openBenchDeps();
    deps = opened;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const seeded = await seedBilling(opened, client, { sessions, stations, drivers, sampleSeconds }, say).finally(() => client.end());
    say(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const [first] = await opened.orm.em.fork().getConnection().execute<{ id: string }[]>('select id from charging_session limit 1');
    const sample = await opened.billing.priceOf(first?.id as string);
    say('baseline: bare PostgreSQL inserts of invoice-sized rows');
    const baseline = await bareInserts(databaseUrl, name, JSON.stringify(sample?.priced), {
      rows: Math.min(sessions, 100_000),
      batch,
      concurrency,
    });

    say('billing: the sweep');
    const swept: { result?: SweepResult } = {};
    const bills = await measured(name, async () => {
      swept.result = await billPending(opened, { batchSize: batch, concurrency });
      return swept.result.billed;
    });

    say('pricing alone: reading the timelines back');
    const timelines = await readTimelines(opened, benchTariff, batch);
    say('pricing alone, in a worker thread');
    const { rate: pricing, totalMinor: priced } = await priceAlone(timelines, name);
    const checked = await checks(opened, seeded.organisationId);
    report(machine, bills, swept.result as SweepResult, baseline, pricing, checked, priced);
    return passed(checked, priced);
  } finally {
    await cleanUp(deps);
  }
}

main().then(
  (ok) => {
    process.stdout.write(`one run took ${((performance.now() - started) / 1000).toFixed(0)} s, seeding and cleaning up included\n`);
    if (!ok) process.stderr.write('bench:billing: a check failed (see checks above)\n');
    process.exit(ok ? 0 : 1);
  },
  (error: unknown) => {
    process.stderr.write(`bench:billing: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
