import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, exclusion, interval, org, session } from '../test/facts.js';
import { uniqueName } from '../test/system.js';
import { openWarehouse, type Warehouse } from '../warehouse/client.js';
import { migrateWarehouse } from '../warehouse/migrate.js';
import { sessionDistribution } from './distribution.js';
import { FactWriter } from './fact-writer.js';
import { faults } from './faults.js';
import { AnalyticsError } from './scope.js';
import { uptime } from './uptime.js';

// Faults, distributions and California's uptime over rows written here; the answers are worked out beside each test.

const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AnalyticsError) => [e.field, e.message],
  );

describe('faults, distributions and uptime rules in the warehouse', () => {
  let warehouse: Warehouse;
  let writer: FactWriter;
  const organisation = { kind: 'organisation', organisationId: org } as const;
  const june = { from: day(1), to: new Date(Date.UTC(2026, 6, 1)) };
  beforeAll(async () => {
    warehouse = await openWarehouse({ database: uniqueName('wm'), dataDir: join(tmpdir(), `evcms-test-${process.pid}`) });
    await migrateWarehouse(warehouse);
    writer = new FactWriter({ warehouse, sql: null as never, log: null as never });
  });
  afterAll(async () => {
    await warehouse.client.command({ query: `DROP DATABASE IF EXISTS ${warehouse.database}` });
    await warehouse.close();
  });

  it('groups faults by error code, vendor error code and the station’s vendor and model', async () => {
    const acme = { vendor: 'Acme', model: 'Volt 22', vendor_error_code: 'E12' };
    await writer.insert('status_intervals', [
      interval('FAULT-1', 1, 'Faulted', day(2, 6), day(2, 8), acme),
      interval('FAULT-1', 2, 'Faulted', day(2, 10), day(2, 10, 30), acme),
      interval('FAULT-1', 1, 'Available', day(2, 8), day(2, 10), acme),
      interval('FAULT-2', 1, 'Faulted', day(3, 1), day(3, 2), { vendor: 'Other', model: 'M', error_code: 'OverCurrentFailure' }),
      // Began before the window: not a fault of June.
      interval('FAULT-2', 1, 'Faulted', new Date(Date.UTC(2026, 4, 31, 23)), day(1, 1), { vendor: 'Other', model: 'M' }),
    ]);
    expect(await faults(warehouse, organisation, june)).toEqual([
      {
        errorCode: 'GroundFailure',
        vendorErrorCode: 'E12',
        vendor: 'Acme',
        model: 'Volt 22',
        faults: 2,
        stations: 1,
        ports: 2,
        faultedMinutes: 150,
      },
      {
        errorCode: 'OverCurrentFailure',
        vendorErrorCode: '',
        vendor: 'Other',
        model: 'M',
        faults: 1,
        stations: 1,
        ports: 1,
        faultedMinutes: 60,
      },
    ]);
    expect(await fail(faults(warehouse, organisation, { from: day(2), to: day(1) }))).toEqual(['to', 'to: must be after from']);
  });

  it('counts session energy and duration in buckets, the last one open, the empty ones kept', async () => {
    const at = day(5, 8);
    const minutes = (m: number) => new Date(at.getTime() + m * 60_000);
    // Energy 1000, 4999 | 5000 | 12000 | 200000 Wh in steps of 5 kWh, 4 buckets: 2, 1, 1, 1 (200 kWh in the open last).
    // Duration 10 | 45, 45 | - | 100, 600 min in steps of 30, 4 buckets: 1, 2, 0, 2.
    await writer.insert('sessions', [
      session('DIST-1', at, minutes(10), 1000),
      session('DIST-1', at, minutes(45), 4999),
      session('DIST-1', at, minutes(45), 5000),
      session('DIST-1', at, minutes(100), 12_000),
      session('DIST-1', at, minutes(600), 200_000),
    ]);
    const steps = { energyStepWh: 5000, durationStepMinutes: 30, buckets: 4 };
    const histograms = await sessionDistribution(warehouse, { kind: 'station', station: 'DIST-1' }, june, steps);
    expect(histograms.energy).toEqual([
      { from: 0, to: 5000, sessions: 2 },
      { from: 5000, to: 10_000, sessions: 1 },
      { from: 10_000, to: 15_000, sessions: 1 },
      { from: 15_000, to: null, sessions: 1 },
    ]);
    expect(histograms.duration).toEqual([
      { from: 0, to: 30, sessions: 1 },
      { from: 30, to: 60, sessions: 2 },
      { from: 60, to: 90, sessions: 0 },
      { from: 90, to: null, sessions: 2 },
    ]);
    expect(await fail(sessionDistribution(warehouse, organisation, june, { ...steps, buckets: 1 }))).toEqual([
      'buckets',
      'buckets: expected 2 to 100',
    ]);
  });

  it('counts an interval written open and then closed by its closed version: 3 hours out, not until the window ends', async () => {
    await writer.insert('status_intervals', [interval('REWRITE-1', 1, 'Faulted', day(8), null, { version: 1 })]);
    await writer.insert('status_intervals', [interval('REWRITE-1', 1, 'Faulted', day(8), day(8, 3), { version: 2 })]);
    const [port] = await uptime(warehouse, { kind: 'station', station: 'REWRITE-1' }, { from: day(8), to: day(9) });
    expect(port).toMatchObject({ outageMinutes: 180, periodMinutes: 1440, uptimePercent: 87.5 });
  });

  it("applies California's caps on exclusions beside NEVI's full ones", async () => {
    await writer.insert('status_intervals', [
      // Vandalised for 12 days, all excluded: NEVI excludes 17,280 minutes, California 10 days (14,400).
      interval('CA-1', 1, 'Faulted', day(2), day(14)),
      // Two planned maintenances of 48 hours: NEVI excludes 5,760 minutes, California 72 hours (4,320).
      interval('CA-2', 1, 'Unavailable', day(3), day(5)),
      interval('CA-2', 1, 'Unavailable', day(10), day(12)),
      // 6 hours outside operating hours: NEVI excludes them, California does not.
      interval('CA-3', 1, 'Faulted', day(20), day(20, 6)),
    ]);
    await writer.insert('outage_exclusions', [
      exclusion('CA-1', 'vandalism', day(2), day(14)),
      exclusion('CA-2', 'planned-maintenance', day(3), day(5)),
      exclusion('CA-2', 'planned-maintenance', day(10), day(12)),
      exclusion('CA-3', 'outside-operating-hours', day(20), day(20, 6)),
    ]);
    const period = 30 * 1440;
    const percent = (outage: number, excluded: number) => ((period - (outage - excluded)) / period) * 100;
    const of = async (rule: 'NEVI' | 'CALIFORNIA') =>
      Object.fromEntries(
        (await uptime(warehouse, organisation, june, 100, rule))
          .filter((p) => p.station.startsWith('CA-'))
          .map((p) => [p.station, [p.outageMinutes, p.excludedMinutes, p.uptimePercent]]),
      );
    expect(await of('NEVI')).toEqual({ 'CA-1': [17_280, 17_280, 100], 'CA-2': [5760, 5760, 100], 'CA-3': [360, 360, 100] });
    const california = await of('CALIFORNIA');
    expect(california['CA-1']?.slice(0, 2)).toEqual([17_280, 14_400]);
    expect(california['CA-1']?.[2]).toBeCloseTo(percent(17_280, 14_400), 10);
    expect(california['CA-2']?.slice(0, 2)).toEqual([5760, 4320]);
    expect(california['CA-2']?.[2]).toBeCloseTo(percent(5760, 4320), 10);
    expect(california['CA-3']?.slice(0, 2)).toEqual([360, 0]);
    expect(california['CA-3']?.[2]).toBeCloseTo(percent(360, 0), 10);
    expect(await fail(uptime(warehouse, organisation, june, 100, 'TEXAS' as never))).toEqual([
      'rule',
      'rule: expected one of NEVI, CALIFORNIA',
    ]);
  });
});
