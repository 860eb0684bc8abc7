// The measured phases of bench/billing.ts besides the sweep: bare PostgreSQL inserts of invoice-sized rows (the
// baseline), pricing alone on the timelines billing priced, and the checks that the bills are right: one
// invoice per session, gap-free numbers, a balanced ledger.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { factsOf, loadSessions } from '../billing/session-rows.js';
import type { SessionTimeline, TariffDefinition } from '../billing/tariff-model.js';
import { sessionsCharging, sessionsReadings } from '../billing/timeline.js';
import type { Deps } from '../system/deps.js';
import { busyCores, cpuSnapshot, cpuSpent } from './cpu-usage.js';

export interface Rate {
  count: number;
  seconds: number;
  perSecond: number;
  /** CPU per item, µs: this process (chDB's threads included) and PostgreSQL. */
  cpuUs: { process: number; store: number };
  /** Cores the whole machine kept busy meanwhile, and those used by neither this process nor PostgreSQL/Redis. */
  busyCores: number;
  otherCores: number;
}

/** Runs `work`, which does `count` items, and measures its rate and who used the CPU meanwhile. */
export async function measured(database: string, work: () => Promise<number>): Promise<Rate> {
  const before = cpuSnapshot([process.pid], database);
  const started = performance.now();
  const count = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = cpuSnapshot([process.pid], database);
  const spent = cpuSpent(before, after, process.pid);
  const busy = busyCores(before, after);
  const per = (us: number) => us / Math.max(1, count);
  return {
    count,
    seconds,
    perSecond: count / seconds,
    cpuUs: { process: per(spent.process), store: per(spent.store) },
    busyCores: busy,
    otherCores: Math.max(0, busy - (spent.process + spent.store) / 1e6 / seconds),
  };
}

/**
 * The baseline: `rows` rows shaped as invoices (the invoice table's columns and indexes, a real priced session
 * as `priced`), written by `concurrency` connections in multi-row inserts of `batch` rows, one transaction each,
 * with real parameter binding: what PostgreSQL alone does for the rows billing writes. Measured while the
 * connections are open, so that their backends' CPU is counted.
 */
export async function bareInserts(
  databaseUrl: string,
  database: string,
  priced: string,
  options: { rows: number; batch: number; concurrency: number },
): Promise<Rate> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.concurrency });
  try {
    await pool.query('create table bench_invoice_rows (like invoice including defaults including indexes)');
    const clients = await Promise.all(Array.from({ length: options.concurrency }, () => pool.connect()));
    for (const client of clients) client.release();
    const organisationId = randomUUID();
    let next = 0;
    const lane = async () => {
      while (next < options.rows) {
        const from = next;
        const count = Math.min(options.batch, options.rows - from);
        next += count;
        const params: unknown[] = [organisationId, priced];
        const values = Array.from({ length: count }, (_, i) => {
          params.push(randomUUID(), `BENCH-2026-${String(from + i + 1).padStart(6, '0')}`, randomUUID());
          const n = params.length;
          return `($${n - 2}, $1, $${n - 1}, 'invoice', $${n}, null, 'RWF', 4237, 763, 5000, $2::jsonb, 'open', now(), now())`;
        });
        await pool.query(
          `insert into bench_invoice_rows (id, organisation_id, number, kind, session_id, payer_user_id, currency, excl_tax_minor,
             tax_minor, incl_tax_minor, priced, status, issued_at, due_at) values ${values.join(', ')}`,
          params,
        );
      }
    };
    return await measured(database, async () => {
      await Promise.all(Array.from({ length: options.concurrency }, lane));
      return options.rows;
    });
  } finally {
    await pool.query('drop table if exists bench_invoice_rows').catch(() => {});
    await pool.end();
  }
}

export interface Timelines {
  tariff: TariffDefinition;
  timelines: SessionTimeline[];
}

/** The timelines billing priced, read back as it reads them (in batches), to price them again alone. */
export async function readTimelines(deps: Deps, tariff: TariffDefinition, batch: number): Promise<Timelines> {
  const rows = await deps.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(
      `select id from charging_session where billing_status = 'billed' order by station_id, connector_id, stopped_at`,
    );
  const timelines: SessionTimeline[] = [];
  const now = new Date();
  for (let i = 0; i < rows.length; i += batch) {
    const sessions = [
      ...(
        await loadSessions(
          deps.orm,
          rows.slice(i, i + batch).map((row) => row.id),
        )
      ).values(),
    ].map((row) => factsOf(row, now));
    const [readings, charging] = await Promise.all([sessionsReadings(deps.warehouse, sessions), sessionsCharging(deps.orm, sessions)]);
    for (const s of sessions) {
      timelines.push({
        startedAt: s.startedAt,
        stoppedAt: s.stoppedAt,
        timeZone: s.timeZone,
        readings: readings.get(s.id) ?? [],
        charging: charging.get(s.id) ?? null,
      });
    }
  }
  return { tariff, timelines };
}

/**
 * Prices every timeline once in a worker thread of its own (bench/billing-pricing.ts), after a warm-up on the first
 * 10,000: the rate, this thread's CPU per session, and the sum of the totals, tax included (to compare with the invoices).
 */
export async function priceAlone({ tariff, timelines }: Timelines, database: string): Promise<{ rate: Rate; totalMinor: number }> {
  const worker = new Worker(new URL('./billing-pricing.ts', import.meta.url), { workerData: { tariff, timelines, warmup: 10_000 } });
  const before = cpuSnapshot([process.pid], database);
  const result = await new Promise<{ count: number; seconds: number; totalMinor: number; cpuUs: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const after = cpuSnapshot([process.pid], database);
  const busy = busyCores(before, after);
  const rate: Rate = {
    count: result.count,
    seconds: result.seconds,
    perSecond: result.count / result.seconds,
    cpuUs: { process: result.cpuUs, store: 0 },
    busyCores: busy,
    otherCores: Math.max(0, busy - (result.cpuUs * result.count) / 1e6 / result.seconds),
  };
  return { rate, totalMinor: result.totalMinor };
}

export interface Checks {
  invoices: number;
  pending: number;
  paid: number;
  open: number;
  invoicedMinor: number;
  numbersGapFree: boolean;
  ledgerSum: number;
  walletsBelowLimit: number;
  charges: number;
}

/** What must hold after the sweep, read from PostgreSQL. */
export async function checks(deps: Deps, organisationId: string): Promise<Checks> {
  const [row] = await deps.orm.em
    .fork()
    .getConnection()
    .execute<Record<keyof Checks, string | boolean>[]>(
      `select
         (select count(*) from invoice where organisation_id = ? and kind = 'invoice') as invoices,
         (select count(*) from charging_session where billing_status = 'pending') as pending,
         (select count(*) from invoice where kind = 'invoice' and status = 'paid') as paid,
         (select count(*) from invoice where kind = 'invoice' and status = 'open') as open,
         (select coalesce(sum(incl_tax_minor), 0) from invoice where kind = 'invoice') as "invoicedMinor",
         (select count(distinct number) = count(*) and coalesce(max(split_part(number, '-', 3)::int), 0) = count(*) from invoice) as "numbersGapFree",
         (select coalesce(sum(amount_minor), 0) from ledger_entry) as "ledgerSum",
         (select count(*) from ledger_account where kind = 'wallet' and balance_minor < -credit_limit_minor) as "walletsBelowLimit",
         (select count(*) from ledger_transaction where kind = 'session-charge') as charges`,
      [organisationId],
    );
  const value = (key: keyof Checks) => Number(row?.[key]);
  return {
    invoices: value('invoices'),
    pending: value('pending'),
    paid: value('paid'),
    open: value('open'),
    invoicedMinor: value('invoicedMinor'),
    numbersGapFree: row?.numbersGapFree === true,
    ledgerSum: value('ledgerSum'),
    walletsBelowLimit: value('walletsBelowLimit'),
    charges: value('charges'),
  };
}
