import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleBatch, TelemetryBuffer } from '../telemetry/buffer.js';
import { WriteWindow } from '../platform/write-window.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { replayDeadLetters } from '../telemetry/dead-letters.js';
import { isDataError, startTelemetrySink } from './telemetry-sink.js';

const aBatch = (overrides: Partial<SampleBatch> = {}): SampleBatch => ({
  station: 'SINK-CP',
  connectorId: 1,
  sessionId: null,
  transactionId: '7',
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

  it('keys a frame without a key by its content: the same samples twice land once, other samples are kept', async () => {
    const { frameKey: _, ...batch } = aBatch({ station: 'SINK-K' });
    await system.deps.telemetry.push(batch);
    await system.deps.telemetry.push({ ...batch, receivedAt: new Date(Date.now() + 1000) });
    await system.deps.telemetry.push({ ...batch, transactionId: '8' });
    // The session id is no part of the key: the frame sent again once the session is known is the same frame.
    await system.deps.telemetry.push({ ...batch, sessionId: '7b0a3c4e-0c1d-4a8e-9f55-3c2b1a000001' });
    const moved = batch.samples.map((s) => ({ ...s, value: s.value + 1 }));
    await system.deps.telemetry.push({ ...batch, samples: moved });
    await system.workers!.sink.drain();
    expect(await count('SINK-K')).toBe(30);
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
    // A frame whose received time is not a number: ClickHouse cannot read it.
    const bad = { k: 'bad-1', s: 'SINK-D', c: 1, t: null, r: 'never', o: 'MeterValues', v: [[0, 'Voltage', '', '', '', 'V', 230]] };
    await system.deps.redis.xadd(stream, '*', 'n', '1', 'frames', JSON.stringify(bad));
    await system.deps.telemetry.push(aBatch({ station: 'SINK-D', frameKey: 'after-the-bad-one' }));
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-D')).toBe(10);
    const dead = await system.deps.redis.xrange(`${stream}:dead`, '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.[1]).toContain('error');
    expect(dead[0]?.[1].join(' ')).toContain('bad-1');
  });

  it('puts set-aside entries back into the stream on request: written once readable, set aside again if not', async () => {
    const { redis, telemetry } = system.deps;
    const stream = telemetry.stream;
    const dead = `${stream}:dead`;
    const readable = {
      k: 'replayed-1',
      s: 'SINK-R',
      c: 1,
      t: null,
      r: Date.now(),
      o: 'MeterValues',
      v: [[Date.now(), 'Voltage', 'L1', 'Outlet', 'Sample.Periodic', 'V', 230]],
    };
    await redis.xadd(dead, '*', 'id', '1-0', 'error', 'set aside in an outage', 'n', '1', 'frames', JSON.stringify(readable));
    const waiting = await redis.xlen(dead);
    expect(await replayDeadLetters(redis, stream)).toBe(waiting);
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-R')).toBe(1);
    // What still cannot be read (the earlier test's frame) is set aside again, and only that.
    const again = await redis.xrange(dead, '-', '+');
    expect(again.map(([, fields]) => fields.join(' ')).filter((f) => f.includes('replayed-1'))).toEqual([]);
    expect(again.length).toBe(waiting - 1);
  });

  it('commits the frames pushed in one turn of the event loop as one stream entry, each push resolving after it', async () => {
    const stream = system.deps.telemetry.stream;
    const before = (await system.deps.redis.xinfo('STREAM', stream)) as unknown[];
    const added = Number(before[before.indexOf('entries-added') + 1]);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => system.deps.telemetry.push(aBatch({ station: 'SINK-E', frameKey: `turn-${i}` }))),
    );
    const after = (await system.deps.redis.xinfo('STREAM', stream)) as unknown[];
    expect(Number(after[after.indexOf('entries-added') + 1])).toBe(added + 1);
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-E')).toBe(50);
  });

  it('commits a full window at once, in entries of at most maxFrames frames', async () => {
    const stream = system.deps.telemetry.stream;
    const buffer = new TelemetryBuffer(system.deps.redis, system.config.REDIS_PREFIX, { window: new WriteWindow(10_000), maxFrames: 3 });
    expect(buffer.stream).toBe(stream);
    const before = (await system.deps.redis.xinfo('STREAM', stream)) as unknown[];
    const added = Number(before[before.indexOf('entries-added') + 1]);
    // A 10 s window: only the full groups can have gone out before the test's own timeout.
    const pushes = Array.from({ length: 6 }, (_, i) => buffer.push(aBatch({ station: 'SINK-G', frameKey: `full-${i}` })));
    await Promise.all(pushes);
    const after = (await system.deps.redis.xinfo('STREAM', stream)) as unknown[];
    expect(Number(after[after.indexOf('entries-added') + 1])).toBe(added + 2);
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    expect(await count('SINK-G')).toBe(60);
  });

  it("keeps each frame's samples apart: key, station, connector, transaction, source and every field of a value", async () => {
    const at = new Date(Date.UTC(2026, 10, 26, 13, 0, 0, 250));
    await system.deps.telemetry.push(
      aBatch({
        station: 'SINK-F',
        connectorId: 2,
        sessionId: '7b0a3c4e-0c1d-4a8e-9f55-3c2b1a000002',
        transactionId: '2147483647',
        source: 'StopTransaction',
        frameKey: 'fields',
        receivedAt: new Date(Date.UTC(2026, 10, 26, 13, 0, 1)),
        samples: [
          { ts: at, measurand: 'Voltage', phase: 'L1-N', location: 'Inlet', context: 'Transaction.End', unit: 'V', value: 229.5 },
          { ts: at, measurand: 'Power.Active.Import', phase: '', location: 'Outlet', context: 'Sample.Periodic', unit: 'W', value: 7400 },
        ],
      }),
    );
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    const result = await system.deps.warehouse.client.query({
      query: `SELECT sample_id, connector_id, session_id, transaction_id, toString(ts) AS ts, toString(received_at) AS received_at, measurand, phase,
                location, context, unit, value, source
              FROM ${system.deps.warehouse.table('meter_values')} FINAL WHERE station = 'SINK-F' ORDER BY sample_id`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      {
        sample_id: 'fields:0',
        connector_id: 2,
        session_id: '7b0a3c4e-0c1d-4a8e-9f55-3c2b1a000002',
        transaction_id: '2147483647',
        ts: '2026-11-26 13:00:00.250',
        received_at: '2026-11-26 13:00:01.000',
        measurand: 'Voltage',
        phase: 'L1-N',
        location: 'Inlet',
        context: 'Transaction.End',
        unit: 'V',
        value: 229.5,
        source: 'StopTransaction',
      },
      {
        sample_id: 'fields:1',
        connector_id: 2,
        session_id: '7b0a3c4e-0c1d-4a8e-9f55-3c2b1a000002',
        transaction_id: '2147483647',
        ts: '2026-11-26 13:00:00.250',
        received_at: '2026-11-26 13:00:01.000',
        measurand: 'Power.Active.Import',
        phase: '',
        location: 'Outlet',
        context: 'Sample.Periodic',
        unit: 'W',
        value: 7400,
        source: 'StopTransaction',
      },
    ]);
  });

  it('still takes a frame buffered before sessions had their own id: the 1.6 transactionId as a number, no session id', async () => {
    const frame = {
      k: 'old-frame',
      s: 'SINK-OLD',
      c: 1,
      t: 42,
      r: Date.UTC(2026, 10, 26, 14),
      o: 'MeterValues',
      v: [[Date.UTC(2026, 10, 26, 14), 'Energy.Active.Import.Register', '', 'Outlet', 'Sample.Periodic', 'Wh', 5]],
    };
    await system.deps.redis.xadd(system.deps.telemetry.stream, '*', 'frames', JSON.stringify(frame), 'n', '1');
    expect(await system.workers!.sink.drain(15_000)).toBe(true);
    const result = await system.deps.warehouse.client.query({
      query: `SELECT session_id, transaction_id, value FROM ${system.deps.warehouse.table('meter_values')} FINAL WHERE station = 'SINK-OLD'`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ session_id: null, transaction_id: '42', value: 5 }]);
  });

  // Last: it stops the test system's sink and runs its own.
  it('takes over what a stopped sink left pending, forgets that sink, and acknowledges entries trimmed meanwhile', async () => {
    const { redis, telemetry, metrics } = system.deps;
    const stream = telemetry.stream;
    await system.workers!.sink.close();
    await telemetry.push(aBatch({ station: 'SINK-Z', frameKey: 'left-pending' }));
    await telemetry.push(aBatch({ station: 'SINK-Z', frameKey: 'trimmed-while-pending' }));
    // A sink that read both and stopped: they stay pending under its name.
    const taken = (await redis.call('XREADGROUP', 'GROUP', 'warehouse', 'stopped-sink', 'COUNT', 10, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    >;
    const ids = taken[0]?.[1].map(([id]) => id) ?? [];
    expect(ids).toHaveLength(2);
    await redis.xdel(stream, ids[1] as string);
    const lostBefore = (await metrics.telemetryLostEntries.get()).values[0]?.value ?? 0;

    const sink = await startTelemetrySink(system.deps, { claimIdleMs: 300, gapMs: 50 });
    try {
      await eventually(async () => (await count('SINK-Z')) === 10, 10_000);
      await eventually(async () => (await redis.xpending(stream, 'warehouse'))[0] === 0, 5000);
      expect((await metrics.telemetryLostEntries.get()).values[0]?.value).toBe(lostBefore + 1);
      const consumers = async () => ((await redis.xinfo('CONSUMERS', stream, 'warehouse')) as unknown[][]).map((c) => c[1]);
      await eventually(async () => !(await consumers()).includes('stopped-sink'), 5000);
    } finally {
      await sink.close();
    }
  });

  // After the one above: the test system's sink is stopped, so this sink is the only reader.
  it('gathers a batch from several small reads, and replays pending entries once each after an outage', async () => {
    const { redis, telemetry, warehouse, metrics } = system.deps;
    const station = `SINK-R-${Date.now()}`;
    // What the sink inserted: a frame read twice into one batch counts twice here (ReplacingMergeTree would
    // merge the rows away, so the table alone cannot show it).
    const written = async () => (await metrics.telemetrySamples.get()).values.find((v) => v.labels.stage === 'written')?.value ?? 0;
    const writtenBefore = await written();
    const rows = async () => {
      const result = await warehouse.client.query({
        query: `SELECT count() AS n FROM ${warehouse.table('meter_values')} WHERE station = {station:String}`,
        query_params: { station },
        format: 'JSONEachRow',
      });
      return Number((await result.json<{ n: string }>())[0]?.n);
    };
    const table = warehouse.table('meter_values');
    await warehouse.client.command({ query: `DETACH TABLE ${table}` });
    for (let i = 0; i < 7; i++) await telemetry.push(aBatch({ station, frameKey: `${station}-${i}` }));
    const sink = await startTelemetrySink(system.deps, { batchSize: 5, readCount: 2, gapMs: 20 });
    try {
      // The first batch (5 entries, read 2 + 2 + 1) fails and stays pending; the other 2 wait behind it.
      await eventually(async () => (await redis.xpending(telemetry.stream, 'warehouse'))[0] === 5);
    } finally {
      await warehouse.client.command({ query: `ATTACH TABLE ${table}` });
    }
    try {
      expect(await sink.drain(15_000)).toBe(true);
      expect(await rows()).toBe(70);
      expect((await written()) - writtenBefore).toBe(70);
      expect((await redis.xpending(telemetry.stream, 'warehouse'))[0]).toBe(0);
    } finally {
      await sink.close();
    }
  });
});

describe('telling bad data from a warehouse that cannot take it now', () => {
  it.each([
    "Code: 27. DB::Exception: Cannot parse input: expected '{' before: 'x': (at row 1). (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
    'Code: 53. DB::Exception: Type mismatch in VALUES section. (TYPE_MISMATCH)',
    'Code: 117. DB::Exception: Unexpected NULL value. (INCORRECT_DATA)',
  ])('sets aside an entry refused for its data: %s', (message) => {
    expect(isDataError(new Error(message))).toBe(true);
  });

  it.each([
    'Code: 252. DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS)',
    'Code: 243. DB::Exception: Cannot reserve 1.00 MiB, not enough space. (NOT_ENOUGH_SPACE)',
    'Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)',
    'Code: 159. DB::Exception: Timeout exceeded: elapsed 30 seconds. (TIMEOUT_EXCEEDED)',
    'connect ECONNREFUSED 127.0.0.1:8123',
  ])('keeps an entry pending, to retry, when the warehouse cannot take it now: %s', (message) => {
    expect(isDataError(new Error(message))).toBe(false);
  });
});
