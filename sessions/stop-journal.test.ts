import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdTag, sessionRow } from '../test/builders.js';
import { aStation } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { stopApplier } from './journal-drain.js';

describe('the stop journal', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // No gateway: its own drain would take the entries before the test does.
    system = await startTestSystem({ roles: [] });
  });
  afterAll(() => system?.close());

  const journal = () => system.deps.sessions.journal;
  const applier = () => stopApplier(system.deps);

  /** A station with an open session, started as the StartTransaction handler would. */
  async function anOpenSession(meterStartWh: number) {
    const { id, identity } = await aStation(system);
    const station = { id, identity, organisationId: null, registrationStatus: 'Accepted', securityProfile: 0 } as const;
    const { transactionId } = await system.deps.sessions.start(station, {
      connectorId: 1,
      idTag: anIdTag(),
      credentialType: 'Unknown',
      meterStartWh,
      startedAt: new Date(),
      authStatus: 'Accepted',
      idTokenId: null,
      receivedAt: new Date(),
    });
    return { station, transactionId };
  }

  it('dead-letters an entry that fails for a reason other than an outage, with the reason, and goes on with the next', async () => {
    const { station, transactionId } = await anOpenSession(0);
    await system.deps.redis.xadd(journal().key, '*', 'stop', '{not json');
    await journal().append(station, { transactionId, meterStopWh: 4_200, stoppedAt: new Date(), reason: 'Local', receivedAt: new Date() });
    expect(await journal().drain(applier(), 'node-a')).toEqual({ applied: 1, deadLettered: 1 });
    expect(await journal().backlog()).toBe(0);
    const dead = (await system.deps.redis.lrange(journal().deadKey, 0, -1)).map((d) => JSON.parse(d) as { stop: string; reason: string });
    expect(dead).toEqual([{ stop: '{not json', reason: expect.stringContaining('JSON'), at: expect.any(String) }]);
    expect(await sessionRow(system, transactionId)).toMatchObject({ state: 'Completed', energyWh: 4_200 });
  });

  it('is drained by one node at a time: another node holding the lock leaves the entries alone', async () => {
    const { station, transactionId } = await anOpenSession(0);
    const lock = `${system.config.REDIS_PREFIX}:sessions:stop-journal:lock`;
    await system.deps.redis.set(lock, 'node-b', 'PX', 60_000);
    await journal().append(station, { transactionId, meterStopWh: 10, stoppedAt: new Date(), receivedAt: new Date() });
    expect(await journal().drain(applier(), 'node-a')).toEqual({ applied: 0, deadLettered: 0 });
    expect(await journal().backlog()).toBe(1);
    await system.deps.redis.del(lock);
    expect(await journal().drain(applier(), 'node-a')).toEqual({ applied: 1, deadLettered: 0 });
    expect(await system.deps.redis.exists(lock)).toBe(0);
  });

  it('applies a stop journalled twice once: the second finds the session final', async () => {
    const { station, transactionId } = await anOpenSession(100);
    const stop = { transactionId, meterStopWh: 600, stoppedAt: new Date(), reason: 'Remote', receivedAt: new Date() };
    await journal().append(station, stop);
    await journal().append(station, { ...stop, meterStopWh: 900 });
    expect(await journal().drain(applier(), 'node-a')).toEqual({ applied: 2, deadLettered: 0 });
    expect(await sessionRow(system, transactionId)).toMatchObject({
      state: 'Completed',
      meterStopWh: 600,
      energyWh: 500,
      stopReason: 'Remote',
    });
  });
});
