import type { BillingService, BillOutcome } from '../billing/service.js';
import type { Deps } from '../system/deps.js';

/** What a sweep did: sessions it took up, by outcome, and those that failed (left pending, for the next sweep). */
export interface SweepResult {
  sessions: number;
  batches: number;
  billed: number;
  paid: number;
  free: number;
  held: number;
  open: number;
  failed: number;
}

export interface SweepOptions {
  /** Sessions per billMany call. */
  batchSize?: number;
  /** Batches billed at once. */
  concurrency?: number;
  /** Sessions read at a time, oldest first, and cut into batches of the same connectors. */
  pageSize?: number;
}

/** Where a sweep has got to: ended sessions without a stop time come first (by id), then by stop time and id. */
type Cursor = { stopped: false; id: string } | { stopped: true; at: string; id: string };
const start: Cursor = { stopped: false, id: '00000000-0000-0000-0000-000000000000' };

interface PendingRow {
  id: string;
  at: string | null;
  station_id: string;
  connector_id: number;
}

/** The next page of ended sessions still to bill after the cursor, oldest first (partial index of the 20261204090000 migration). */
async function pendingPage(deps: Pick<Deps, 'orm'>, cursor: Cursor, limit: number): Promise<{ rows: PendingRow[]; next: Cursor | null }> {
  const sql = deps.orm.em.fork().getConnection();
  const pending = `state = 'Completed' and billing_status = 'pending'`;
  const columns = 'id, station_id, connector_id';
  const rows = cursor.stopped
    ? await sql.execute<PendingRow[]>(
        `select ${columns}, stopped_at::text as at from charging_session
         where ${pending} and stopped_at is not null and (stopped_at, id) > (?::timestamptz, ?::uuid) order by stopped_at, id limit ?`,
        [cursor.at, cursor.id, limit],
      )
    : await sql.execute<PendingRow[]>(
        `select ${columns}, null as at from charging_session where ${pending} and stopped_at is null and id > ?::uuid order by id limit ?`,
        [cursor.id, limit],
      );
  const last = rows.at(-1);
  if (!last) return { rows: [], next: cursor.stopped ? null : { stopped: true, at: '-infinity', id: start.id } };
  return { rows, next: last.at === null ? { stopped: false, id: last.id } : { stopped: true, at: last.at, id: last.id } };
}

/**
 * A page cut into batches of the same connectors: the warehouse keeps a connector's samples together, so a batch of
 * few connectors reads few of its blocks (a batch of a page's 500 oldest sessions spread over every connector read
 * nearly all of them). In each batch, a connector's sessions keep their order.
 */
function batchesOf(rows: PendingRow[], size: number): string[][] {
  const byConnector = [...rows].sort((a, b) =>
    a.station_id === b.station_id ? a.connector_id - b.connector_id : a.station_id < b.station_id ? -1 : 1,
  );
  const batches: string[][] = [];
  for (let i = 0; i < byConnector.length; i += size) batches.push(byConnector.slice(i, i + size).map((row) => row.id));
  return batches;
}

/**
 * The batches of the pending sessions, a page of `pageSize` at a time (oldest first), one read at a time however
 * many lanes ask for the next; an empty batch when there is no more.
 */
function pendingBatches(deps: Pick<Deps, 'orm'>, batchSize: number, pageSize: number): () => Promise<string[]> {
  let cursor: Cursor | null = start;
  let queue: string[][] = [];
  let reading: Promise<string[]> = Promise.resolve([]);
  const take = async (): Promise<string[]> => {
    while (queue.length === 0 && cursor) {
      const page = await pendingPage(deps, cursor, pageSize);
      cursor = page.next;
      queue = batchesOf(page.rows, batchSize);
    }
    return queue.shift() ?? [];
  };
  return () => {
    reading = reading.then(take, take);
    return reading;
  };
}

function count(result: SweepResult, outcome: BillOutcome): void {
  result[outcome.kind]++;
  if (outcome.kind === 'billed' && outcome.paid) result.paid++;
}

/** Bills a batch; when the batch fails, its sessions one by one, so that one session that cannot be billed holds up no other. */
async function billBatch(deps: Pick<Deps, 'log'> & { billing: BillingService }, ids: string[], result: SweepResult): Promise<void> {
  result.batches++;
  result.sessions += ids.length;
  try {
    for (const outcome of await deps.billing.billMany(ids)) count(result, outcome);
    return;
  } catch (error) {
    deps.log.warn({ err: error, sessions: ids.length }, 'billing: a batch failed; billing its sessions one by one');
  }
  for (const id of ids) {
    try {
      count(result, await deps.billing.bill(id));
    } catch (error) {
      result.failed++;
      deps.log.error({ err: error, sessionId: id }, 'billing: session not billed; the next sweep tries again');
    }
  }
}

/**
 * Bills every ended session still pending, oldest first a page at a time, in batches of `batchSize` (billMany) of
 * the same connectors, `concurrency` batches at once. What the session.ended events missed (Redis away, a worker down) and any backlog are billed
 * here. A session billed meanwhile by its own job is found billed: billing is idempotent.
 */
export async function billPending(deps: Pick<Deps, 'orm' | 'log'> & { billing: BillingService }, options: SweepOptions = {}) {
  const batchSize = options.batchSize ?? 500;
  const next = pendingBatches(deps, batchSize, options.pageSize ?? batchSize * 20);
  const result: SweepResult = { sessions: 0, batches: 0, billed: 0, paid: 0, free: 0, held: 0, open: 0, failed: 0 };
  const lane = async () => {
    for (let ids = await next(); ids.length; ids = await next()) await billBatch(deps, ids, result);
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, lane));
  return result;
}
