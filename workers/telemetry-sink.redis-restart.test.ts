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

/** Sends a MeterValues until it is taken, as a charger retries a transaction message refused while Redis reconnects. */
async function sendUntilTaken(charger: TestCharger, wh: number): Promise<void> {
  await eventually(
    () =>
      charger.call('MeterValues', meterValues(wh)).then(
        () => true,
        () => false,
      ),
    20_000,
  );
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
    for (const wh of [4, 5, 6]) await sendUntilTaken(charger, wh);
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

describe('the telemetry buffer on a Redis that syncs its AOF at every write', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: 'always' });
    system = await startTestSystem({ roles: ['ocpp', 'workers'], env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await system?.close();
    await redis?.close();
  });

  it('loses no answered sample, and counts each once, when Redis is killed right after answers and restarted from its AOF', async () => {
    const chargers = await Promise.all([1, 2, 3].map(() => aConnectedCharger(system)));
    const answered: number[] = [];
    const refused: string[] = [];
    let killed: Promise<void> | null = null;
    let restarts = 0;
    // Three chargers send 40 MeterValues each, one after another; after the 30th answer (the sink lets
    // entries gather for 2 s, so these are still in Redis only), Redis is killed -9 and started again at
    // once from its AOF, while the chargers go on (calls then in flight wait for Redis).
    await Promise.all(
      chargers.map(async ({ charger }, c) => {
        for (let i = 0; i < 40; i++) {
          const wh = (c + 1) * 1000 + i;
          try {
            await charger.call('MeterValues', meterValues(wh));
            answered.push(wh);
          } catch (error) {
            refused.push(`${wh}: ${(error as Error).message}`);
          }
          if (answered.length === 30 && !killed) killed = redis.kill().then(() => redis.start().then(() => void restarts++));
        }
      }),
    );
    await killed;
    expect(restarts).toBe(1);
    // While Redis is away a frame is refused at once (the charger sends it again), never left unanswered.
    for (const reason of refused) expect(reason).toMatch(/^\d+: Redis is unavailable at the moment/);
    expect(answered.length).toBeGreaterThanOrEqual(30);
    expect(await system.workers!.sink.drain(20_000)).toBe(true);

    const { warehouse } = system.deps;
    const stations = chargers.map(({ station }) => station.identity);
    const result = await warehouse.client.query({
      query: `SELECT (SELECT groupArray(value) FROM ${warehouse.table('meter_values')} FINAL WHERE station IN {stations:Array(String)}) AS kept,
                     (SELECT uniqExact(sample_id) FROM ${warehouse.table('meter_values')} WHERE station IN {stations:Array(String)}) AS keys`,
      query_params: { stations },
      format: 'JSONEachRow',
    });
    const { kept, keys } = ((await result.json()) as Array<{ kept: number[]; keys: string }>)[0] ?? { kept: [], keys: '0' };
    // Every answered sample is in the warehouse, once: a frame replayed after the restart (an XADD resent,
    // an entry read again) carries the same sample_id, and FINAL counts it once.
    // (A refused frame may be kept too: Redis can take an XADD whose answer it never sent.)
    expect(kept).toEqual(expect.arrayContaining(answered));
    expect(new Set(kept).size).toBe(kept.length);
    expect(Number(keys)).toBe(kept.length);
    for (const { charger } of chargers) await charger.close();
  }, 60_000);
});
