import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ch, day, interval, org, session, uuid } from '../test/facts.js';
import { uniqueName } from '../test/system.js';
import { openWarehouse, type Warehouse } from '../warehouse/client.js';
import { migrateWarehouse } from '../warehouse/migrate.js';
import { runAnalystSql } from './analyst-sql.js';
import { FactWriter } from './fact-writer.js';
import { heatmap } from './heatmap.js';
import { analytics } from './metrics.js';
import { rankStations } from './rank.js';
import { AnalyticsError } from './scope.js';
import { uptime } from './uptime.js';

// Warehouse questions over rows written here, whose answers are worked out by hand beside each test.

describe('analytics in the warehouse', () => {
  let warehouse: Warehouse;
  let writer: FactWriter;
  beforeAll(async () => {
    warehouse = await openWarehouse({ database: uniqueName('an'), dataDir: join(tmpdir(), `evcms-test-${process.pid}`) });
    await migrateWarehouse(warehouse);
    writer = new FactWriter({ warehouse, sql: null as never, log: null as never });
  });
  afterAll(async () => {
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${warehouse.database}` });
    await warehouse.close();
  });

  it('gives a port Faulted for 6 of 24 hours 75% uptime, and counts an offline hour that overlaps the fault once', async () => {
    await writer.insert('status_intervals', [
      interval('UP-1', 1, 'Available', day(1), day(1, 6)),
      interval('UP-1', 1, 'Faulted', day(1, 6), day(1, 12)),
      interval('UP-1', 1, 'Available', day(1, 12), day(2)),
      // A second station: faulted 06:00 to 12:00 and offline 11:00 to 13:00: out from 06:00 to 13:00, 420 minutes.
      interval('UP-2', 1, 'Available', day(1), day(1, 6)),
      interval('UP-2', 1, 'Faulted', day(1, 6), day(1, 12)),
      interval('UP-2', 1, 'Available', day(1, 12), day(2)),
      interval('UP-2', 0, 'Offline', day(1, 11), day(1, 13), { kind: 'offline' }),
      // A third: Unavailable for 6 hours because the operator asked: no outage.
      interval('UP-3', 1, 'Unavailable', day(1, 6), day(1, 12), { operator_set: 1 }),
      interval('UP-3', 1, 'Available', day(1, 12), day(2)),
    ]);
    const ports = await uptime(warehouse, { kind: 'organisation', organisationId: org }, { from: day(1), to: day(2) });
    const of = (station: string) => ports.find((p) => p.station === station);
    expect(of('UP-1')).toMatchObject({ connectorId: 1, outageMinutes: 360, excludedMinutes: 0, periodMinutes: 1440, uptimePercent: 75 });
    expect(of('UP-2')).toMatchObject({ outageMinutes: 420, uptimePercent: ((1440 - 420) / 1440) * 100 });
    expect(of('UP-3')).toMatchObject({ outageMinutes: 0, uptimePercent: 100 });
  });

  it('takes the excluded minutes of an outage out: 2 of the 6 faulted hours excluded gives (1440 − (360 − 120)) / 1440', async () => {
    await writer.insert('outage_exclusions', [
      {
        exclusion_id: uuid(),
        station: 'UP-1',
        connector_id: 0,
        organisation_id: org,
        cause: 'vandalism',
        // 05:00 to 08:00: only 06:00 to 08:00 lies within the outage.
        started_at: ch(day(1, 5)),
        ended_at: ch(day(1, 8)),
        deleted: 0,
        version: 1,
      },
    ]);
    const [port] = await uptime(warehouse, { kind: 'station', station: 'UP-1' }, { from: day(1), to: day(2) });
    expect(port).toMatchObject({ outageMinutes: 360, excludedMinutes: 120 });
    expect(port?.uptimePercent).toBeCloseTo(((1440 - 240) / 1440) * 100, 10);
  });

  it("counts a session from 23:30 to 00:30 in both days' hours: half its energy in each, its start in the first", async () => {
    await writer.insert('sessions', [session('NIGHT-1', day(10, 23, 30), day(11, 0, 30), 10_000)]);
    const result = await analytics(
      warehouse,
      { kind: 'station', station: 'NIGHT-1' },
      { from: day(10), to: day(12), timeZone: 'UTC' },
      'DAY',
    );
    expect(result.buckets.map((b) => [b.start.toISOString(), b.energyWh, b.sessions])).toEqual([
      [day(10).toISOString(), 5000, 1],
      [day(11).toISOString(), 5000, 0],
    ]);
    expect(result.totals).toMatchObject({ energyWh: 10_000, sessions: 1, uniqueDrivers: 1, successRate: 1 });
    const cells = await heatmap(warehouse, { kind: 'station', station: 'NIGHT-1' }, { from: day(10), to: day(12), timeZone: 'UTC' });
    // 2026-06-10 is a Wednesday (3).
    expect(cells.map((c) => [c.weekday, c.hour, c.sessions, c.energyWh])).toEqual([
      [3, 23, 1, 5000],
      [4, 0, 1, 5000],
    ]);
  });

  it('buckets in the time zone asked: the same session is one day in Europe/Berlin (01:30 to 02:30)', async () => {
    const result = await analytics(
      warehouse,
      { kind: 'station', station: 'NIGHT-1' },
      { from: day(10), to: day(12), timeZone: 'Europe/Berlin' },
      'DAY',
    );
    expect(result.buckets.map((b) => [b.start.toISOString(), b.energyWh])).toEqual([['2026-06-10T22:00:00.000Z', 10_000]]);
  });

  it('counts a replayed batch once', async () => {
    const batch = [session('REPLAY-1', day(15, 10), day(15, 11), 7000), session('REPLAY-1', day(15, 12), day(15, 14), 3000)];
    await writer.insert('sessions', batch);
    await writer.insert('sessions', batch);
    const result = await analytics(
      warehouse,
      { kind: 'station', station: 'REPLAY-1' },
      { from: day(15), to: day(16), timeZone: 'UTC' },
      'DAY',
    );
    expect(result.totals).toMatchObject({ energyWh: 10_000, sessions: 2, uniqueDrivers: 2 });
  });

  it('keeps revenue per currency in minor units, the newest version of a session winning', async () => {
    const billed = session('PAID-1', day(20, 9), day(20, 10), 20_000, { revenue_minor: 0, currency: '', version: 1 });
    await writer.insert('sessions', [billed]);
    await writer.insert('sessions', [{ ...billed, revenue_minor: 1234, currency: 'EUR', version: 2 }]);
    await writer.insert('sessions', [session('PAID-1', day(20, 11), day(20, 12), 1000, { revenue_minor: 500, currency: 'KES' })]);
    const result = await analytics(
      warehouse,
      { kind: 'station', station: 'PAID-1' },
      { from: day(20), to: day(21), timeZone: 'UTC' },
      'HOUR',
    );
    expect(result.totals.revenue).toEqual([
      { currency: 'EUR', amountMinor: 1234 },
      { currency: 'KES', amountMinor: 500 },
    ]);
    expect(result.buckets.map((b) => b.revenue)).toEqual([
      [{ currency: 'EUR', amountMinor: 1234 }],
      [{ currency: 'KES', amountMinor: 500 }],
    ]);
  });

  it('gives utilisation as the share of reported time occupied and charging', async () => {
    await writer.insert('status_intervals', [
      interval('UTIL-1', 1, 'Available', day(25), day(25, 18)),
      interval('UTIL-1', 1, 'Occupied', day(25, 18), day(26)),
    ]);
    const result = await analytics(
      warehouse,
      { kind: 'station', station: 'UTIL-1' },
      { from: day(25), to: day(26), timeZone: 'UTC' },
      'DAY',
    );
    expect(result.totals).toMatchObject({ occupiedShare: 0.25, chargingShare: 0.25 });
  });

  it('ranks stations on a metric, and refuses bad arguments naming them', async () => {
    const top = await rankStations(
      warehouse,
      { kind: 'organisation', organisationId: org },
      { from: day(1), to: day(30) },
      'ENERGY',
      'DESC',
      2,
    );
    expect(top).toEqual([
      { station: 'PAID-1', value: 21_000 },
      { station: 'NIGHT-1', value: 10_000 },
    ]);
    const worst = await rankStations(
      warehouse,
      { kind: 'organisation', organisationId: org },
      { from: day(1), to: day(2) },
      'UPTIME',
      'ASC',
      1,
    );
    expect(worst[0]?.station).toBe('UP-2');
    const network = { kind: 'network' } as const;
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: AnalyticsError) => [e.field, e.message],
      );
    expect(await fail(analytics(warehouse, network, { from: day(2), to: day(1), timeZone: 'UTC' }, 'DAY'))).toEqual([
      'to',
      'to: must be after from',
    ]);
    expect(
      await fail(analytics(warehouse, network, { from: day(1), to: new Date(Date.UTC(2027, 5, 1)), timeZone: 'UTC' }, 'HOUR')),
    ).toEqual(['to', 'to: at most 31 days after from with granularity HOUR']);
    expect(await fail(analytics(warehouse, network, { from: day(1), to: day(2), timeZone: 'Mars/Olympus' }, 'DAY'))).toEqual([
      'timeZone',
      'timeZone: "Mars/Olympus" is not an IANA time zone',
    ]);
    expect(await fail(analytics(warehouse, network, { from: day(1), to: day(2), timeZone: 'UTC' }, 'YEAR' as never))).toEqual([
      'granularity',
      'granularity: expected one of HOUR, DAY, WEEK, MONTH',
    ]);
    expect(await fail(rankStations(warehouse, network, { from: day(1), to: day(2) }, 'ENERGY', 'DESC', 0))).toEqual([
      'first',
      'first: expected 1 to 1000',
    ]);
  });
});

describe('the ten questions of docs/analytics.md', () => {
  const page = readFileSync(new URL('../docs/analytics.md', import.meta.url), 'utf8');
  const questions = [...page.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ database: uniqueName('and'), dataDir: join(tmpdir(), `evcms-test-${process.pid}`) });
    await migrateWarehouse(warehouse);
  });
  afterAll(async () => {
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${warehouse.database}` });
    await warehouse.close();
  });

  it('are ten, and each runs read-only against the documented views', async () => {
    expect(questions).toHaveLength(10);
    for (const question of questions) await expect(runAnalystSql(warehouse, question)).resolves.toMatch(/^\S/);
  });
});
