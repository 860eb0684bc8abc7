// npm run bench:analytics -- [--stations 1000] [--runs 10]
// A year of data for --stations stations (2 ports each, 20 stations a site, 10 sites an organisation): about
// 1,500 sessions a station (≈ 1.5 million at 1,000) and their status intervals (available, occupied, a fault
// every 30th session, an offline hour every 40th), in an embedded warehouse of its own. Timed: the analytics
// writer's inserts of the sessions against a raw bulk insert of the same rows into a table without the hourly
// view, then the heat map, daily energy per site, the uptime ranking and the top-10 stations, p95 of --runs
// runs each. Targets on a 2-core machine: each question under 1 s; the writer at least 50% of the raw rate.
// 34 meter samples a session (≈ 51 million at 1,000 stations) are generated inside the warehouse. The questions
// are timed right after the load, merges still running, unless --optimize merges the tables first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FactWriter } from '../analytics/fact-writer.js';
import { heatmap } from '../analytics/heatmap.js';
import { analytics } from '../analytics/metrics.js';
import { rankStations } from '../analytics/rank.js';
import { openWarehouse } from '../warehouse/client.js';
import { migrateWarehouse } from '../warehouse/migrate.js';

const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '10' },
    // Merge the tables (OPTIMIZE ... FINAL) before timing, for comparison; by default the questions meet the load as it is.
    optimize: { type: 'boolean', default: false },
  },
});
const stations = Number(args.stations);
const runs = Number(args.runs);
if (!Number.isInteger(stations) || stations < 20 || stations > 10_000 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:analytics: --stations takes 20 to 10000, --runs 1 or more\n');
  process.exit(2);
}

const year = Date.UTC(2025, 11, 1);
const yearEnd = year + 365 * 86_400_000;
/** A session every 42,000 s per port (≈ 750 a year), 30 min to 2.5 h long, starting up to 20,000 s late. */
const spacing = 42_000;
const perPort = Math.floor((365 * 86_400) / spacing) - 1;
const uuidOf = (kind: number, n: number) => `00000000-0000-4000-${(8000 + kind).toString(16)}-${n.toString(16).padStart(12, '0')}`;
const ch = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const hash = (n: number) => (Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0) % 1_000_000;

function sessionBatch(fromStation: number, toStation: number, version: number) {
  const rows: object[] = [];
  for (let s = fromStation; s < toStation; s++) {
    const site = Math.floor(s / 20);
    for (const c of [1, 2]) {
      for (let i = 0; i < perPort; i++) {
        const n = (s * 2 + c) * 1000 + i;
        const start = year + (i * spacing + (hash(n) % 20_000)) * 1000;
        const seconds = 1800 + (hash(n + 7) % 7200);
        rows.push({
          session_id: uuidOf(1, n),
          station: `CP-${s}`,
          station_id: uuidOf(2, s),
          connector_id: c,
          site_id: uuidOf(3, site),
          organisation_id: uuidOf(4, Math.floor(site / 10)),
          time_zone: 'UTC',
          driver: `driver-${hash(n + 3) % 200_000}`,
          credential_type: 'ISO14443',
          started_at: ch(start),
          ended_at: ch(start + seconds * 1000),
          energy_wh: Math.round((seconds * 7000) / 3600),
          charging_seconds: seconds - 600,
          idle_seconds: 600,
          stop_reason: hash(n + 11) % 20 === 0 ? 'EmergencyStop' : 'Local',
          success: hash(n + 11) % 20 === 0 ? 0 : 1,
          revenue_minor: Math.round(seconds / 10),
          currency: 'EUR',
          version,
        });
      }
    }
  }
  return rows;
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'evcms-bench-analytics-'));
const warehouse = await openWarehouse({ database: 'bench_analytics', dataDir });
try {
  await migrateWarehouse(warehouse);
  const writer = new FactWriter({ warehouse, sql: null as never, log: null as never });
  await warehouse.client.command({
    query: `CREATE TABLE ${warehouse.table('raw_sessions')} AS ${warehouse.table('sessions')} ENGINE = MergeTree PARTITION BY toYYYYMM(started_at) ORDER BY (station, started_at, session_id)`,
  });
  const settings = { input_format_allow_errors_num: '0', date_time_input_format: 'best_effort' };
  let writerMs = 0;
  let rawMs = 0;
  let rows = 0;
  // Batches of 50 stations (≈ 75,000 sessions): the writer's insert (through the hourly view) and the raw one, alternately.
  for (let s = 0; s < stations; s += 50) {
    const batch = sessionBatch(s, Math.min(stations, s + 50), 1);
    rows += batch.length;
    // The writer encodes its rows itself; the raw insert gets the text ready-made.
    const text = `${batch.map((row) => JSON.stringify(row)).join('\n')}\n`;
    let t = performance.now();
    await writer.insert('sessions', batch);
    writerMs += performance.now() - t;
    t = performance.now();
    await warehouse.insertText('raw_sessions', 'JSONEachRow', text, settings);
    rawMs += performance.now() - t;
  }
  // Status intervals, generated in the warehouse: per session an Occupied interval and the Available (every 30th: Faulted) one after it.
  const t0 = performance.now();
  await warehouse.client.command({
    query: `INSERT INTO ${warehouse.table('status_intervals')}
      SELECT station, station_id, connector_id, 'status', site_id, organisation_id,
             if(k = 0, 'Occupied', if(cityHash64(session_id) % 30 = 0, 'Faulted', 'Available')),
             if(k = 0, 'Charging', if(cityHash64(session_id) % 30 = 0, 'Faulted', 'Available')),
             if(k = 1 AND cityHash64(session_id) % 30 = 0, 'GroundFailure', 'NoError'), '',
             if(cityHash64(station) % 2 = 0, 'Acme', 'Volta'), 'DC 50', 0,
             if(k = 0, started_at, ended_at), if(k = 0, ended_at, ended_at + toIntervalSecond(3600)), 1
      FROM ${warehouse.table('raw_sessions')} ARRAY JOIN [0, 1] AS k`,
    clickhouse_settings: { max_insert_threads: '2' },
  });
  await warehouse.client.command({
    query: `INSERT INTO ${warehouse.table('status_intervals')}
      SELECT station, station_id, 0, 'offline', site_id, organisation_id, 'Offline', '', '', '', '', '', 0,
             ended_at + toIntervalSecond(60), ended_at + toIntervalSecond(3660), 1
      FROM ${warehouse.table('raw_sessions')} WHERE connector_id = 1 AND cityHash64(session_id) % 40 = 0`,
  });
  const intervalMs = performance.now() - t0;
  const count = async (table: string) =>
    Number(
      (
        (await (
          await warehouse.client.query({ query: `SELECT count() AS n FROM ${warehouse.table(table)}`, format: 'JSONEachRow' })
        ).json()) as Array<{
          n: string;
        }>
      )[0]?.n,
    );
  const intervals = await count('status_intervals');
  process.stdout.write(
    `data: ${stations} stations, ${rows} sessions (${await count('session_hours')} session hours), ${intervals} status intervals (${Math.round(intervalMs)} ms)\n`,
  );
  process.stdout.write(
    `ingest: analytics writer ${Math.round(rows / (writerMs / 1000))} rows/s, raw bulk insert ${Math.round(rows / (rawMs / 1000))} rows/s: ${Math.round((rawMs / writerMs) * 100)}% (target ≥ 50%)\n`,
  );

  // Meter samples, generated in the warehouse: per session 17 readings, each an energy register and a power value (34 rows).
  const t2 = performance.now();
  await warehouse.client.command({
    query: `INSERT INTO ${warehouse.table('meter_values')}
      SELECT concat(toString(session_id), ':', toString(k)) AS sample_id, station, connector_id, session_id, toString(cityHash64(session_id) % 2147483647),
             started_at + toIntervalMillisecond(intDiv(dateDiff('millisecond', started_at, ended_at) * intDiv(k, 2), 16)) AS ts, ts,
             if(k % 2 = 0, 'Energy.Active.Import.Register', 'Power.Active.Import'), '', 'Outlet', 'Sample.Periodic', if(k % 2 = 0, 'Wh', 'W'),
             if(k % 2 = 0, toFloat64(energy_wh * intDiv(k, 2) / 16), toFloat64(6000 + cityHash64(session_id, k) % 2000)), 'MeterValues'
      FROM ${warehouse.table('raw_sessions')} ARRAY JOIN range(34) AS k`,
    clickhouse_settings: { max_insert_threads: '2' },
  });
  process.stdout.write(`meter samples: ${await count('meter_values')} (${Math.round(performance.now() - t2)} ms)\n`);

  const parts = async () => {
    const result = await warehouse.client.query({
      query: `SELECT table, count() AS parts FROM system.parts WHERE database = {db:String} AND active AND table IN
              ('sessions', 'session_hours', 'status_intervals', 'status_hours', 'meter_values', 'power_hours') GROUP BY table ORDER BY table`,
      query_params: { db: warehouse.database },
      format: 'JSONEachRow',
    });
    return (await result.json<{ table: string; parts: string }>()).map((p) => `${p.table} ${p.parts}`).join(', ');
  };
  const merging = async () => {
    const result = await warehouse.client.query({
      query: 'SELECT count() AS n FROM system.merges WHERE database = {db:String}',
      query_params: { db: warehouse.database },
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0]?.n);
  };

  const organisation = { kind: 'organisation', organisationId: uuidOf(4, 0) } as const;
  const site = { kind: 'site', siteId: uuidOf(3, 1) } as const;
  const window = { from: new Date(year), to: new Date(yearEnd), timeZone: 'Europe/Berlin' };
  const questions: Record<string, () => Promise<unknown>> = {
    'heat map (an organisation, a year)': () => heatmap(warehouse, organisation, window),
    'daily energy per site (a year)': () => analytics(warehouse, site, window, 'DAY'),
    'uptime ranking (an organisation, 12 months)': () => rankStations(warehouse, organisation, window, 'UPTIME', 'ASC', 10),
    'top-10 stations on energy (the network, a year)': () => rankStations(warehouse, { kind: 'network' }, window, 'ENERGY', 'DESC', 10),
  };
  const timeQuestions = async (when: string) => {
    process.stdout.write(`${when}: active parts ${await parts()}\n`);
    for (const [name, ask] of Object.entries(questions)) {
      await ask();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await ask();
        times.push(performance.now() - t);
      }
      const p = p95(times);
      process.stdout.write(`  ${name}: p95 ${Math.round(p)} ms over ${runs} runs ${p < 1000 ? '(under 1 s)' : '(OVER 1 s)'}\n`);
    }
  };

  if (args.optimize) {
    const t1 = performance.now();
    for (const table of ['sessions', 'session_hours', 'status_intervals', 'status_hours', 'meter_values'])
      await warehouse.client.command({ query: `OPTIMIZE TABLE ${warehouse.table(table)} FINAL` });
    process.stdout.write(`merged the fact tables (OPTIMIZE ... FINAL) in ${Math.round(performance.now() - t1)} ms\n`);
    await timeQuestions('after OPTIMIZE FINAL');
  } else {
    // As the load left the tables, merges under way; then once the background merges have settled (no OPTIMIZE).
    await timeQuestions('right after the load');
    const t1 = performance.now();
    let quiet = 0;
    while (quiet < 3 && performance.now() - t1 < 600_000) {
      await new Promise((r) => setTimeout(r, 2000));
      quiet = (await merging()) === 0 ? quiet + 1 : 0;
    }
    await timeQuestions(`once background merges settled (${Math.round((performance.now() - t1) / 1000)} s later)`);
  }
} finally {
  await warehouse.close();
  rmSync(dataDir, { recursive: true, force: true });
}
