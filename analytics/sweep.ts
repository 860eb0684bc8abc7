import type { Redis } from 'ioredis';
import { exclusionRows } from './exclusions.js';
import type { FactDeps, FactWriter } from './fact-writer.js';

export interface SweepDeps extends FactDeps {
  redis: Redis;
  /** Where the sweep keeps how far it got (Redis keys under it). */
  prefix: string;
}

export interface SweepOptions {
  /** Rows read from PostgreSQL per page. */
  pageSize?: number;
  /** Pages per kind of fact in one sweep: a backlog (the first sweep reads all history) is taken over several. */
  maxPages?: number;
}

export interface SweepResult {
  sessions: number;
  invoices: number;
  statusEvents: number;
  exclusions: number;
  offline: number;
}

/** A keyset position: the rows changed after (at, id). */
interface Mark {
  at: string;
  id: string;
}
const start: Mark = { at: '1970-01-01T00:00:00.000Z', id: '' };

/**
 * Pages through rows changed after the mark kept under `key`, in (changed, id) order, handing each page's ids
 * to `write`; the mark moves only after a page is written, so an interrupted sweep repeats a page, never skips one.
 */
async function pages(
  deps: SweepDeps,
  key: string,
  query: string,
  write: (ids: string[]) => Promise<unknown>,
  options: Required<SweepOptions>,
): Promise<number> {
  const redisKey = `${deps.prefix}:analytics:mark:${key}`;
  let mark: Mark = JSON.parse((await deps.redis.get(redisKey)) ?? 'null') ?? start;
  let count = 0;
  for (let page = 0; page < options.maxPages; page++) {
    const result = await deps.sql.query<{ id: string; ref: string; at: Date }>(query, [mark.at, mark.id, options.pageSize]);
    if (result.rows.length === 0) break;
    await write([...new Set(result.rows.map((r) => r.ref))]);
    const last = result.rows.at(-1) as { id: string; at: Date };
    mark = { at: last.at.toISOString(), id: String(last.id) };
    await deps.redis.set(redisKey, JSON.stringify(mark));
    count += result.rows.length;
    if (result.rows.length < options.pageSize) break;
  }
  return count;
}

const sessionsChanged = `select s.id::text as id, s.id::text as ref, s.updated_at as at from charging_session s
  where s.state = 'Completed' and (s.updated_at, s.id::text) > ($1::timestamptz, $2) order by s.updated_at, s.id::text limit $3`;
const invoicesIssued = `select i.id::text as id, i.session_id::text as ref, i.issued_at as at from invoice i
  where i.session_id is not null and (i.issued_at, i.id::text) > ($1::timestamptz, $2) order by i.issued_at, i.id::text limit $3`;
const exclusionsRecorded = `select x.id::text as id, x.id::text as ref, x.recorded_at as at from outage_exclusion x
  where (x.recorded_at, x.id::text) > ($1::timestamptz, $2) order by x.recorded_at, x.id::text limit $3`;

/**
 * Reconciles the warehouse's facts with PostgreSQL, so that nothing is lost when the event bus drops events:
 * sessions ended or invoiced, status events and exclusions recorded since the last sweep are written again
 * (idempotently), and offline periods opened or closed where PostgreSQL's view of the station differs.
 */
export async function sweepFacts(deps: SweepDeps, writer: FactWriter, options: SweepOptions = {}): Promise<SweepResult> {
  const settings = { pageSize: options.pageSize ?? 2000, maxPages: options.maxPages ?? 50 };
  const sessions = await pages(deps, 'sessions', sessionsChanged, (ids) => writer.sessions(ids), settings);
  const invoices = await pages(deps, 'invoices', invoicesIssued, (ids) => writer.sessions(ids), settings);
  const exclusions = await pages(
    deps,
    'exclusions',
    exclusionsRecorded,
    async (ids) => writer.insert('outage_exclusions', await exclusionRows(deps.sql, ids, writer.version)),
    settings,
  );
  const statusKey = `${deps.prefix}:analytics:mark:status`;
  let lastId = Number((await deps.redis.get(statusKey)) ?? 0);
  let statusEvents = 0;
  for (let page = 0; page < settings.maxPages; page++) {
    const read = await writer.statusPage(lastId, settings.pageSize);
    if (read.events === 0) break;
    lastId = read.lastId;
    statusEvents += read.events;
    await deps.redis.set(statusKey, String(lastId));
    if (read.events < settings.pageSize) break;
  }
  const offline = await reconcileOffline(deps, writer);
  return { sessions, invoices, statusEvents, exclusions, offline };
}

/** Opens an offline period for a station PostgreSQL says is offline (from when it was last seen), closes one for a station back online. */
async function reconcileOffline(deps: SweepDeps, writer: FactWriter): Promise<number> {
  const { warehouse } = deps;
  const open = await warehouse.client.query({
    query: `SELECT station, toUnixTimestamp64Milli(max(started_at)) AS at FROM ${warehouse.table('status_intervals')} FINAL
            WHERE connector_id = 0 AND kind = 'offline' AND ended_at IS NULL GROUP BY station`,
    format: 'JSONEachRow',
  });
  const openSince = new Map((await open.json<{ station: string; at: string }>()).map((r) => [r.station, new Date(Number(r.at))]));
  const stations = await deps.sql.query<{
    id: string;
    identity: string;
    site_id: string | null;
    organisation_id: string | null;
    online: boolean;
    last_seen_at: Date | null;
    last_boot_at: Date | null;
  }>(`select id, identity, site_id, organisation_id, online, last_seen_at, last_boot_at from station
      where retired_at is null and last_seen_at is not null`);
  const rows = [];
  for (const s of stations.rows) {
    const since = openSince.get(s.identity);
    if (!s.online && !since && s.last_seen_at) rows.push(writer.offlineRow(s.id, s, s.last_seen_at, null));
    // Back without the event saying so: closed at its last boot when that came after, else now.
    if (s.online && since) {
      const back = s.last_boot_at && s.last_boot_at > since ? s.last_boot_at : new Date();
      rows.push(writer.offlineRow(s.id, s, since, back));
    }
  }
  await writer.insert('status_intervals', rows);
  return rows.length;
}
