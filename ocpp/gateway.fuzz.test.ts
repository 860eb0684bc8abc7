import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStartTransaction, aStatusNotification } from '../test/builders.js';
import { aStation } from '../test/chargers.js';
import { deepCall } from '../test/hostile-frames.js';
import { connectRaw, type RawCharger } from '../test/raw-charger.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { MAX_FRAME_BYTES } from './rpc/frames.js';

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with FUZZ_SEED. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)] as T };
}
type Random = ReturnType<typeof prng>;

/** One frame of the hostile station, and the id its one answer must carry ("-1": unreadable; null: no answer). */
interface Hostile {
  data: string | Buffer;
  binary?: boolean;
  answer: string | null;
}

const templates: Record<string, () => Record<string, unknown>> = {
  Heartbeat: () => ({}),
  Authorize: () => ({ idTag: 'FUZZ-TAG' }),
  BootNotification: () => ({ chargePointVendor: 'Fuzz', chargePointModel: 'F1', chargePointSerialNumber: 'S1' }),
  StatusNotification: () => aStatusNotification(),
  MeterValues: () => ({
    connectorId: 1,
    meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '12.5', measurand: 'Energy.Active.Import.Register' }] }],
  }),
  StartTransaction: () => aStartTransaction({ idTag: 'FUZZ-TAG' }),
  StopTransaction: () => ({ transactionId: 1, meterStop: 10, timestamp: new Date().toISOString() }),
  DataTransfer: () => ({ vendorId: 'fuzz', messageId: 'm', data: 'd' }),
};
const actions = [...Object.keys(templates), 'SignCertificate', 'FirmwareStatusNotification', 'MakeCoffee', 'heartbeat', 'X'.repeat(5000)];

function hostileValue(r: Random): unknown {
  switch (r.int(14)) {
    case 0:
      return null;
    case 1:
      return r.pick([0, -1, 2 ** 53 + 2, 1e308, -0.5]);
    case 2:
      return r.pick(['12', 'NaN', '1e3', '-0', '']);
    case 3:
      return r.pick([true, false]);
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return 'x'.repeat(r.int(100_000));
    case 7:
      return `A\u0000${'\u0000'.repeat(r.int(5))}B`;
    case 8:
      return r.pick(['\ud800', 'A\udfffB', '\udc00\ud800', '\ud83d\ude00']);
    case 9:
      return JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`);
    case 10:
      return { __proto__: 1, constructor: 'x' };
    default:
      return String.fromCharCode(...Array.from({ length: r.int(40) }, () => r.int(0xffff)));
  }
}

/** The payload of a known action with a few of its values, keys or shape changed. */
function mutatedPayload(r: Random, action: string): unknown {
  if (r.int(10) === 0) return hostileValue(r);
  const payload = (templates[action] ?? templates.Heartbeat)?.() as Record<string, unknown>;
  for (let n = r.int(4); n > 0; n--) {
    const keys = Object.keys(payload);
    const key = keys.length > 0 && r.int(4) > 0 ? r.pick(keys) : `extra${r.int(3)}`;
    if (r.int(5) === 0) delete payload[key];
    else payload[key] = typeof payload[key] === 'number' && r.int(2) ? String(payload[key]) : hostileValue(r);
  }
  return payload;
}

function hostileFrame(r: Random, n: number): Hostile {
  const id = `z${n}`;
  const action = r.int(10) === 0 ? `Act${r.int(1_000_000)}` : r.pick(actions);
  const call = (frameId: unknown, payload: unknown = mutatedPayload(r, action)) => JSON.stringify([2, frameId, action, payload]);
  switch (r.int(20)) {
    case 0:
      return { data: deepCall(id, 2100), answer: id };
    case 1: {
      const long = `${id}-`.padEnd(r.pick([36, 37, 1000]), 'i');
      return { data: call(long), answer: long };
    }
    case 2:
      return { data: call(r.pick(['', 17, null, {}])), answer: '-1' };
    case 3:
      return { data: JSON.stringify(['2', id, action, {}]), answer: id };
    case 4:
      return {
        data: JSON.stringify(
          r.pick([
            [2, id],
            [2, id, action],
            [2, id, action, {}, {}],
          ]),
        ),
        answer: id,
      };
    case 5:
      return { data: JSON.stringify([2, id, r.int(2) ? 42 : '', {}]), answer: id };
    case 6:
      return { data: call(id, null), answer: id };
    case 7: {
      const bad = Buffer.from(r.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe9, 0xff]]));
      return { data: Buffer.concat([Buffer.from(`[2,"${id}","Authorize",{"idTag":"`), bad, Buffer.from('"}]')]), answer: id };
    }
    case 8:
      return { data: Buffer.from(call(id)), binary: true, answer: id };
    case 9:
      return { data: Buffer.from(Array.from({ length: 8 + r.int(200) }, () => r.int(256))), binary: r.int(2) === 0, answer: '-1' };
    case 10: {
      const whole = call(id);
      return { data: whole.slice(0, r.int(whole.length - 1)), answer: '-1' };
    }
    case 11:
      return {
        data: JSON.stringify(
          r.pick([
            [3, `never-${n}`, { status: 'Accepted' }],
            [4, `never-${n}`, 'GenericError', '', {}],
            [3, id],
            [4, 17, 'x'],
            [3, `never-${n}`, null],
          ]),
        ),
        answer: null,
      };
    case 12:
      return { data: JSON.stringify([r.pick([0, 5, 9, -1, 2.5]), id, action, {}]), answer: null };
    default:
      return { data: call(id), answer: id };
  }
}

/** The few frames over our 1 MiB limit (each costs a few milliseconds), answered under their id all the same. */
const oversized = (n: number): Hostile => ({
  data: JSON.stringify([2, `big${n}`, 'DataTransfer', { vendorId: 'v', data: 'x'.repeat(MAX_FRAME_BYTES + n) }]),
  answer: `big${n}`,
});

const FRAMES = 10_000;
const BATCH = 200;

describe('the gateway under a fuzzing charger', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('answers every readable CALL once, no response, keeps the socket and serves a healthy station meanwhile', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261202);
    const r = prng(seed);
    const hostile = await connectRaw(system, await aStation(system));
    const healthy = await connectRaw(system, await aStation(system));
    const answers = new Map<string, number>();
    const outcomes = new Map<string, number>();
    hostile.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as unknown[];
      expect([3, 4]).toContain(frame[0]);
      answers.set(String(frame[1]), (answers.get(String(frame[1])) ?? 0) + 1);
      const outcome = frame[0] === 3 ? 'CALLRESULT' : String(frame[2]);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    });
    const latencies = heartbeats(healthy);

    const expected = new Map<string, number>();
    const frames = Array.from({ length: FRAMES }, (_, n) => hostileFrame(r, n));
    for (let n = 0; n < 5; n++) frames.splice(r.int(frames.length), 0, oversized(n));
    for (let start = 0; start < frames.length; start += BATCH) {
      for (const frame of frames.slice(start, start + BATCH)) {
        hostile.ws.send(frame.data, { binary: frame.binary ?? false });
        if (frame.answer !== null) expected.set(frame.answer, (expected.get(frame.answer) ?? 0) + 1);
      }
      // Each batch answered before the next goes out, so the run's memory stays bounded.
      await expect.poll(() => [...expected].every(([id, count]) => (answers.get(id) ?? 0) >= count), { timeout: 20_000 }).toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const [id, count] of expected) expect({ id, answers: answers.get(id) ?? 0 }).toEqual({ id, answers: count });
    expect([...answers.keys()].filter((id) => !expected.has(id))).toEqual([]);
    // Hostile input is answered for what it is: never with InternalError, which a charger retries forever.
    expect(outcomes.get('InternalError') ?? 0).toBe(0);
    expect(hostile.ws.readyState).toBe(hostile.ws.OPEN);
    hostile.send([2, 'after-fuzz', 'Heartbeat', {}]);
    await expect.poll(() => answers.get('after-fuzz')).toBe(1);

    const healthyLatencies = await latencies.stop();
    expect(healthyLatencies.length).toBeGreaterThan(0);
    expect(Math.max(...healthyLatencies)).toBeLessThan(10_000);
    const sorted = [...healthyLatencies].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
    console.log(`fuzz seed ${seed}: ${frames.length} hostile frames; healthy Heartbeats ${sorted.length}, p99 ${p99.toFixed(1)} ms`);
    console.log(`fuzz answers: ${JSON.stringify(Object.fromEntries(outcomes))}`);

    // Action names are the station's to choose: the message counter holds one label for all unknown ones.
    const counted = await system.deps.metrics.registry.getSingleMetricAsString('evcms_ocpp_messages_total');
    expect(counted.split('\n').length).toBeLessThan(300);
    await hostile.close();
    await healthy.close();
  }, 120_000);
});

/** A Heartbeat every 50 ms from a healthy station; stop() waits for the last answers (up to 10 s) and returns the latencies in ms. */
function heartbeats(charger: RawCharger) {
  const latencies: number[] = [];
  const sent = new Map<string, number>();
  let n = 0;
  charger.ws.on('message', (data) => {
    const [, id] = JSON.parse(String(data)) as [number, string];
    const at = sent.get(id);
    if (at === undefined) return;
    sent.delete(id);
    latencies.push(performance.now() - at);
  });
  const timer = setInterval(() => {
    const id = `hb${n++}`;
    sent.set(id, performance.now());
    charger.ws.send(JSON.stringify([2, id, 'Heartbeat', {}]));
  }, 50);
  return {
    async stop() {
      clearInterval(timer);
      await expect.poll(() => sent.size, { timeout: 10_000 }).toBe(0);
      return latencies;
    },
  };
}
