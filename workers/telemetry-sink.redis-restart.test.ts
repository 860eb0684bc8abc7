import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, aMeterValue } from '../test/builders.js';
import type { TestCharger } from '../test/chargers.js';
import { type PrivateRedis, startPrivateRedis } from '../test/faults/redis-server.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

/** One MeterValues of a single energy reading, told apart from the others by its value. */
const meterValues = (wh: number) => ({
  connectorId: 1,
  meterValue: [aMeterValue([{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }])],
});

/** The energy readings the warehouse holds for a station, every row counted (no FINAL). */
async function readings(system: TestSystem, station: string): Promise<number[]> {
  const { warehouse } = system.deps;
  const result = await warehouse.client.query({
    query: `SELECT value FROM ${warehouse.table('meter_values')} WHERE station = {station:String} ORDER BY value`,
    query_params: { station },
    format: 'JSONEachRow',
  });
  return (await result.json<{ value: number }>()).map((row) => row.value);
}

async function readyz(system: TestSystem): Promise<{ status: number; checks: Record<string, boolean> }> {
  const response = await fetch(`http://127.0.0.1:${system.gateway?.port}/readyz`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, boolean> }).checks };
}

describe('the telemetry sink when Redis restarts without its data', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  let charger: TestCharger;
  let station: string;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    system = await startTestSystem({ roles: ['ocpp', 'workers'], env: { REDIS_URL: redis.url, TELEMETRY_FLUSH_INTERVAL: '0.1' } });
    const connected = await aConnectedCharger(system);
    charger = connected.charger;
    station = connected.station.identity;
  });
  afterAll(async () => {
    await charger?.close();
    await system?.close();
    await redis?.close();
  });

  it('creates its consumer group again and writes the new samples, not ready while it cannot read', async () => {
    for (const wh of [1, 2, 3]) await charger.call('MeterValues', meterValues(wh));
    expect(await system.workers!.sink.drain(10_000)).toBe(true);
    expect(await readings(system, station)).toEqual([1, 2, 3]);
    expect((await readyz(system)).status).toBe(200);

    await redis.kill();
    // The sink's read waits for Redis: after a few seconds of that, the sink says it cannot work.
    const down = await eventually(async () => {
      const probe = await readyz(system);
      return probe.checks.telemetrySink === false && probe;
    }, 20_000);
    expect(down.status).toBe(503);

    await redis.start({ empty: true });
    for (const wh of [4, 5, 6]) await charger.call('MeterValues', meterValues(wh));
    await eventually(async () => (await readings(system, station)).length === 6, 20_000);
    expect(await readings(system, station)).toEqual([1, 2, 3, 4, 5, 6]);
    const up = await eventually(async () => {
      const probe = await readyz(system);
      return probe.status === 200 && probe;
    }, 10_000);
    expect(up.checks).toMatchObject({ redis: true, telemetrySink: true });
  }, 60_000);

  it('is not ready while it cannot write to the warehouse, and ready again once it can', async () => {
    const table = system.deps.warehouse.table('meter_values');
    await system.deps.warehouse.client.command({ query: `DETACH TABLE ${table}` });
    try {
      await charger.call('MeterValues', meterValues(7));
      const failing = await eventually(async () => {
        const probe = await readyz(system);
        return probe.status === 503 && probe;
      }, 20_000);
      expect(failing.checks).toMatchObject({ redis: true, telemetrySink: false });
    } finally {
      await system.deps.warehouse.client.command({ query: `ATTACH TABLE ${table}` });
    }
    // The sink backs off between tries (up to 30 s apart by then, at worst).
    await eventually(async () => (await readings(system, station)).includes(7), 40_000);
    expect((await readyz(system)).status).toBe(200);
  }, 60_000);
});
