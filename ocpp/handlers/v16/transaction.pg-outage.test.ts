import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, aMeterValue, anIdToken, aStopTransaction, listenTo, sessionRow, startSession } from '../../../test/builders.js';
import type { TestCharger } from '../../../test/chargers.js';
import { type PrivateRedis, startPrivateRedis } from '../../../test/faults/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../../../test/faults/tcp-proxy.js';
import { eventually, startTestSystem, type TestSystem, uniqueName } from '../../../test/system.js';

/** What the charger heard, and how long it waited for it. */
async function timed<T>(call: Promise<T>): Promise<{ answer?: T; error?: { rpcErrorCode?: string }; ms: number }> {
  const started = Date.now();
  try {
    return { answer: await call, ms: Date.now() - started };
  } catch (error) {
    return { error: error as { rpcErrorCode?: string }, ms: Date.now() - started };
  }
}

describe('StartTransaction and StopTransaction while PostgreSQL is away', () => {
  let proxy: TcpProxy;
  let system: TestSystem;
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    // The database is created through the proxy, before any cut.
    const url = proxy.via(`postgres://postgres@127.0.0.1:5432/${uniqueName('evcms_test')}`);
    system = await startTestSystem({ roles: ['ocpp'], env: { DATABASE_URL: url } });
  });
  // A test that fails mid-outage leaves PostgreSQL reachable for the next one.
  afterEach(() => proxy.restore());
  afterAll(async () => {
    proxy?.restore();
    await system?.close();
    await proxy?.close();
  });

  async function openSessions(count: number) {
    const opened: Array<{ charger: TestCharger; transactionId: number; idTag: string; meterStart: number }> = [];
    for (let i = 0; i < count; i++) {
      const token = await anIdToken(system);
      const { charger } = await aConnectedCharger(system);
      const meterStart = 1_000 * (i + 1);
      const { transactionId } = await startSession(charger, { idTag: token.value, meterStart });
      opened.push({ charger, transactionId, idTag: token.value, meterStart });
    }
    return opened;
  }

  it.each(['refused', 'blackholed'] as const)(
    'takes every stop while PostgreSQL is %s, answers it within 10 s, and applies it exactly once when PostgreSQL is back',
    async (mode) => {
      const sessions = await openSessions(3);
      const ended = await listenTo(system, 'session.ended');
      const journalledBefore =
        (await system.deps.metrics.sessionStops.get()).values.find((v) => v.labels.stage === 'journalled')?.value ?? 0;
      proxy.cut(mode);
      const stops = sessions.map((s, i) =>
        aStopTransaction({ transactionId: s.transactionId, idTag: s.idTag, meterStop: s.meterStart + 5_000 + i, reason: 'EVDisconnected' }),
      );
      // MeterValues for a session the gateway knows, and for one it would have to look up: both answered.
      const meterValue = [aMeterValue([{ value: '2500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }])];
      for (const transactionId of [sessions[0]!.transactionId, 999_999]) {
        const heard = await timed(sessions[0]!.charger.call('MeterValues', { connectorId: 1, transactionId, meterValue }));
        expect(heard.answer).toEqual({});
        expect(heard.ms).toBeLessThan(10_000);
      }
      const answers = await Promise.all(sessions.map((s, i) => timed(s.charger.call('StopTransaction', stops[i]))));
      for (const heard of answers) {
        expect(heard.error).toBeUndefined();
        expect(heard.ms).toBeLessThan(10_000);
        // The idTag is in the Redis authorization cache since the start: answered from there.
        expect(heard.answer).toEqual({ idTagInfo: { status: 'Accepted' } });
      }
      // The charger's own repeat while the first is still journalled: answered as well, applied once.
      const repeat = await timed(sessions[0]!.charger.call('StopTransaction', stops[0]));
      expect(repeat.error).toBeUndefined();
      expect(await system.deps.sessions.journal.backlog()).toBe(4);
      const journalled = (await system.deps.metrics.sessionStops.get()).values.find((v) => v.labels.stage === 'journalled')?.value;
      expect(journalled).toBe(journalledBefore + 4);

      proxy.restore();
      await eventually(async () => (await system.deps.sessions.journal.backlog()) === 0, 20_000);
      for (const [i, s] of sessions.entries()) {
        expect(await sessionRow(system, s.transactionId)).toMatchObject({
          state: 'Completed',
          meterStopWh: s.meterStart + 5_000 + i,
          energyWh: 5_000 + i,
          stopReason: 'EVDisconnected',
          stoppedAt: new Date(stops[i]!.timestamp),
        });
      }
      await eventually(() => ended.events.length >= 3);
      // A stop replayed after the restore (the charger's queue sent again) changes nothing.
      await sessions[1]!.charger.call('StopTransaction', { ...stops[1], meterStop: 99_999, reason: 'Other' });
      expect(await sessionRow(system, sessions[1]!.transactionId)).toMatchObject({
        meterStopWh: sessions[1]!.meterStart + 5_001,
        stopReason: 'EVDisconnected',
      });
      const ids = sessions.map((s) => String(s.transactionId));
      expect(
        ended.events
          .filter((e) => ids.includes(e.transactionId))
          .map((e) => e.transactionId)
          .sort(),
      ).toEqual([...ids].sort());
      expect(await system.deps.redis.llen(system.deps.sessions.journal.deadKey)).toBe(0);
      ended.stop();
      for (const s of sessions) {
        expect(s.charger.violations).toEqual([]);
        await s.charger.close();
      }
    },
    60_000,
  );

  it.each(['refused', 'blackholed'] as const)(
    'answers a StartTransaction while PostgreSQL is %s within 10 s with a CALLERROR the charger retries, never InternalError',
    async (mode) => {
      const token = await anIdToken(system);
      const { charger } = await aConnectedCharger(system);
      proxy.cut(mode);
      const heard = await timed(startSession(charger, { idTag: token.value, connectorId: 2 }));
      proxy.restore();
      expect(heard.ms).toBeLessThan(10_000);
      expect(heard.error?.rpcErrorCode).toBe('GenericError');
      // Retried once PostgreSQL is back, it is taken.
      const retried = await eventually(() => startSession(charger, { idTag: token.value, connectorId: 2 }), 15_000);
      expect(retried.transactionId).toBeGreaterThan(0);
      await charger.close();
    },
    60_000,
  );
});

describe('StopTransaction while PostgreSQL and Redis are both away', () => {
  let proxy: TcpProxy;
  let redis: PrivateRedis;
  let system: TestSystem;
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    redis = await startPrivateRedis();
    const url = proxy.via(`postgres://postgres@127.0.0.1:5432/${uniqueName('evcms_test')}`);
    system = await startTestSystem({ roles: ['ocpp'], env: { DATABASE_URL: url, REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    proxy?.restore();
    await redis?.start().catch(() => {});
    await system?.close();
    await proxy?.close();
    await redis?.close();
  });

  it('answers a GenericError the charger retries, never InternalError, and takes the retry once both are back', async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: token.value, meterStart: 100 });
    const stop = aStopTransaction({ transactionId, meterStop: 4_100, reason: 'Local' });
    proxy.cut('refused');
    await redis.kill();
    const heard = await timed(charger.call('StopTransaction', stop));
    expect(heard.error?.rpcErrorCode).toBe('GenericError');
    // Said at once that Redis is away, not left to the answer deadline ("not decided in time", 5 s).
    expect(heard.error).toMatchObject({ message: expect.stringContaining('Redis is unavailable') });
    expect(heard.ms).toBeLessThan(10_000);
    proxy.restore();
    await redis.start();
    // The charger's retry (TransactionMessageAttempts), once the services are back.
    await eventually(
      () =>
        charger.call('StopTransaction', stop).then(
          () => true,
          () => false,
        ),
      20_000,
    );
    // Taken at once, or journalled (PostgreSQL counts as away for a moment after an outage) and applied.
    await eventually(async () => (await sessionRow(system, transactionId)).state === 'Completed', 20_000);
    expect(await sessionRow(system, transactionId)).toMatchObject({ state: 'Completed', meterStopWh: 4_100, energyWh: 4_000 });
    await charger.close();
  }, 60_000);
});
