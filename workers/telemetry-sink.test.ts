import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleBatch } from '../telemetry/buffer.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

const aBatch = (overrides: Partial<SampleBatch> = {}): SampleBatch => ({
  station: 'SINK-CP',
  connectorId: 1,
  transactionId: 7,
  receivedAt: new Date(),
  source: 'MeterValues',
  frameKey: `frame-${Math.random()}`,
  samples: Array.from({ length: 10 }, (_, i) => ({
    ts: new Date(Date.UTC(2026, 10, 26, 12, 0, i)),
    measurand: 'Energy.Active.Import.Register',
    phase: '',
    location: 'Outlet',
    context: 'Sample.Periodic',
    unit: 'Wh',
    value: 1000 + i,
  })),
  ...overrides,
});

describe('telemetry sink', () => {
  let system: TestSystem;
  const count = async (station: string) => {
    const result = await system.deps.warehouse.client.query({
      query: `SELECT count() AS n FROM ${system.deps.warehouse.table('meter_values')} FINAL WHERE station = {station:String}`,
      query_params: { station },
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0]?.n);
  };
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['workers'] });
  });
  afterAll(() => system?.close());

  it('writes buffered samples to the warehouse and empties the buffer', async () => {
    await system.deps.telemetry.push(aBatch({ station: 'SINK-A' }));
    expect(await system.workers!.sink.drain()).toBe(true);
    expect(await count('SINK-A')).toBe(10);
    expect(await system.deps.redis.xlen(system.deps.telemetry.stream)).toBe(0);
  });

  it('does not duplicate rows when the same frame is buffered twice', async () => {
    const batch = aBatch({ station: 'SINK-B', frameKey: 'same-frame' });
    await system.deps.telemetry.push(batch);
    await system.deps.telemetry.push({ ...batch, receivedAt: new Date(Date.now() + 1000) });
    await system.workers!.sink.drain();
    expect(await count('SINK-B')).toBe(10);
  });

  it('keeps samples in the buffer while the warehouse is down and replays them once, without duplicates', async () => {
    const table = system.deps.warehouse.table('meter_values');
    await system.deps.warehouse.client.command({ query: `DETACH TABLE ${table}` });
    try {
      await system.deps.telemetry.push(aBatch({ station: 'SINK-C', frameKey: 'outage-1' }));
      await system.deps.telemetry.push(aBatch({ station: 'SINK-C', frameKey: 'outage-2' }));
      // The sink tries the oldest entry, fails, and keeps it pending; the other waits behind it.
      await eventually(async () => (await system.deps.redis.xpending(system.deps.telemetry.stream, 'warehouse'))[0] === 1);
      expect(await system.deps.telemetry.backlog()).toBe(2);
    } finally {
      await system.deps.warehouse.client.command({ query: `ATTACH TABLE ${table}` });
    }
    await eventually(async () => (await count('SINK-C')) === 20, 15_000);
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-C')).toBe(20);
  });

  it('sets aside an entry the warehouse refuses, with the reason, and keeps the stream moving', async () => {
    const stream = system.deps.telemetry.stream;
    const bad = [
      {
        ...aBatch().samples[0],
        sample_id: 'bad-1',
        station: 'SINK-D',
        connector_id: 1,
        transaction_id: null,
        ts: 'not a time',
        received_at: 'never',
        value: 'abc',
        source: 'MeterValues',
      },
    ];
    await system.deps.redis.xadd(stream, '*', 'rows', JSON.stringify(bad));
    await system.deps.telemetry.push(aBatch({ station: 'SINK-D', frameKey: 'after-the-bad-one' }));
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-D')).toBe(10);
    const dead = await system.deps.redis.xrange(`${stream}:dead`, '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.[1]).toContain('error');
  });
});
