import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aMeterValue, aStartTransaction, aStatusNotification, anIdToken, listenTo } from '../test/builders.js';
import { aStation, bootPayload } from '../test/chargers.js';
import { type PrivateRedis, startPrivateRedis } from '../test/faults/redis-server.js';
import { type RawCharger, connectRaw } from '../test/raw-charger.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

const CALLRESULT = 3;
const CALLERROR = 4;

/** Sends a CALL and resolves to evcms' answer and how long it took; fails when nothing comes within 10 s. */
async function answerTo(charger: RawCharger, action: string, payload: unknown): Promise<{ frame: unknown[]; ms: number }> {
  const id = randomUUID();
  const sent = performance.now();
  charger.send([2, id, action, payload]);
  const frame = await charger.next(10_000);
  expect(frame[1]).toBe(id);
  return { frame, ms: performance.now() - sent };
}

const energy = (wh: number) => [aMeterValue([{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }])];

describe('the gateway while Redis is down', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  let charger: RawCharger;
  let idTag: string;
  let identity: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    system = await startTestSystem({ roles: ['ocpp'], env: { REDIS_URL: redis.url } });
    idTag = (await anIdToken(system)).value;
    const station = await aStation(system);
    identity = station.identity;
    charger = await connectRaw(system, station);
    // Warm the authorization cache: during the outage the answer must come from PostgreSQL, not a stuck cache read.
    expect((await answerTo(charger, 'Authorize', { idTag })).frame[0]).toBe(CALLRESULT);
    await redis.kill();
  }, 30_000);
  afterAll(async () => {
    await charger?.close();
    await redis?.start({ empty: true }).catch(() => {});
    await system?.close();
    await redis?.close();
  });

  it('answers /readyz 503 at once', async () => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${system.gateway?.port}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: Record<string, boolean> }).checks.redis).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('answers Heartbeat, Authorize, BootNotification and StatusNotification with results within 10 s', async () => {
    for (const [action, payload] of [
      ['Heartbeat', {}],
      ['Authorize', { idTag }],
      ['BootNotification', bootPayload()],
      ['StatusNotification', aStatusNotification()],
    ] as const) {
      const { frame, ms } = await answerTo(charger, action, payload);
      expect([action, frame[0]]).toEqual([action, CALLRESULT]);
      expect(ms).toBeLessThan(10_000);
    }
  }, 40_000);

  it('answers Authorize for a credential it has not cached, from PostgreSQL', async () => {
    const uncached = await anIdToken(system);
    const { frame } = await answerTo(charger, 'Authorize', { idTag: uncached.value });
    expect(frame).toEqual([CALLRESULT, frame[1], { idTagInfo: { status: 'Accepted' } }]);
  });

  it('answers MeterValues and StartTransaction within 10 s, each with a result or a CALLERROR', async () => {
    const calls = [
      ['MeterValues', { connectorId: 1, meterValue: energy(1000) }],
      ['StartTransaction', aStartTransaction({ idTag })],
    ] as const;
    for (const [action, payload] of calls) {
      const { frame, ms } = await answerTo(charger, action, payload);
      expect([CALLRESULT, CALLERROR]).toContain(frame[0]);
      expect(ms).toBeLessThan(10_000);
    }
  }, 40_000);

  it('refuses MeterValues it cannot make safe with a GenericError the charger retries', async () => {
    const { frame } = await answerTo(charger, 'MeterValues', { connectorId: 1, meterValue: energy(2000) });
    expect(frame).toEqual([CALLERROR, frame[1], 'GenericError', 'Redis is unavailable at the moment: retry later', { retry: true }]);
  });

  it('answers several CALLs sent at once, in order, each within 10 s', async () => {
    const ids = ['MeterValues', 'Heartbeat', 'MeterValues', 'Heartbeat'].map((action) => {
      const id = randomUUID();
      charger.send([2, id, action, action === 'Heartbeat' ? {} : { connectorId: 1, meterValue: energy(3000) }]);
      return id;
    });
    const answered: unknown[] = [];
    for (const _ of ids) answered.push((await charger.next(10_000))[1]);
    expect(answered).toEqual(ids);
  }, 45_000);

  it('takes MeterValues again and delivers events once Redis is back', async () => {
    await redis.start({ empty: true });
    const status = await listenTo(system, 'connector.status');
    const meterValues = await eventually(async () => {
      const { frame } = await answerTo(charger, 'MeterValues', { connectorId: 1, meterValue: energy(4000) });
      return frame[0] === CALLRESULT && frame;
    }, 15_000);
    expect(meterValues[2]).toEqual({});
    expect(await system.deps.redis.xlen(system.deps.telemetry.stream)).toBeGreaterThan(0);
    await answerTo(charger, 'StatusNotification', aStatusNotification({ status: 'Preparing' }));
    await status.next((event) => event.ocppStatus === 'Preparing');
    const res = await fetch(`http://127.0.0.1:${system.gateway?.port}/readyz`);
    expect(res.status).toBe(200);
  }, 30_000);

  it('claims its stations again in Redis once it is back empty, so commands find their gateway', async () => {
    const { config, deps } = system;
    expect(await eventually(() => deps.redis.get(`${config.REDIS_PREFIX}:station-node:${identity}`))).toBe(deps.nodeId);
    expect(await deps.commands.isAlive(deps.nodeId)).toBe(true);
  });
});
