import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aConnectedCharger,
  aMeterValue,
  anIdTag,
  anIdToken,
  anomalyKinds,
  aStopTransaction,
  listenTo,
  sessionRow,
  startSession,
  warehouseSamples,
} from '../../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

type Answer = { idTagInfo?: { status: string } };

describe('StopTransaction', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'] });
  });
  afterAll(() => system?.close());

  it('completes the session with energy = meterStop - meterStart, and answers about the idTag', async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: token.value, meterStart: 1000 });
    const timestamp = new Date().toISOString();
    const answer = await charger.call<Answer>(
      'StopTransaction',
      aStopTransaction({ transactionId, idTag: token.value, meterStop: 23_456, timestamp, reason: 'EVDisconnected' }),
    );
    expect(answer).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await sessionRow(system, transactionId)).toMatchObject({
      state: 'Completed',
      meterStopWh: 23_456,
      energyWh: 22_456,
      stoppedAt: new Date(timestamp),
      stopReason: 'EVDisconnected',
      stopIdTag: token.value,
      flags: [],
    });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers with an empty payload when the stop names no idTag, and takes the reason as Local', async () => {
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value });
    const { reason: _reason, ...stop } = aStopTransaction({ transactionId });
    expect(await charger.call('StopTransaction', stop)).toEqual({});
    expect(await sessionRow(system, transactionId)).toMatchObject({ state: 'Completed', stopReason: 'Local', stopIdTag: null });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('publishes session.ended with the energy', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const ended = await listenTo(system, 'session.ended');
    const { transactionId } = await startSession(charger, { connectorId: 2, idTag: (await anIdToken(system)).value, meterStart: 0 });
    const timestamp = new Date().toISOString();
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 7_500, timestamp, reason: 'Remote' }));
    const event = await ended.next((e) => e.identity === station.identity);
    expect(event).toEqual({
      stationId: station.id,
      identity: station.identity,
      sessionId: (await sessionRow(system, transactionId)).id,
      transactionId: String(transactionId),
      connectorId: 2,
      energyWh: 7_500,
      reason: 'Remote',
      at: timestamp,
    });
    ended.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('is final: a repeated stop changes nothing', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: token.value, meterStart: 1000 });
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 5000 }));
    const stopped = await sessionRow(system, transactionId);
    const again = await charger.call<Answer>(
      'StopTransaction',
      aStopTransaction({ transactionId, idTag: token.value, meterStop: 9000, timestamp: new Date(Date.now() + 60_000).toISOString() }),
    );
    expect(again).toEqual({ idTagInfo: { status: 'Accepted' } });
    const after = await sessionRow(system, transactionId);
    expect(after).toMatchObject({
      meterStopWh: 5000,
      energyWh: 4000,
      stoppedAt: stopped.stoppedAt,
      stopReceivedAt: stopped.stopReceivedAt,
    });
    expect(await anomalyKinds(system, station.id)).toEqual([]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each([-1, 0, 999_999, 2 ** 31])(
    'answers a stop for unknown transactionId %i validly and records the anomaly',
    async (transactionId) => {
      const { station, charger } = await aConnectedCharger(system);
      const token = await anIdToken(system);
      const answer = await charger.call<Answer>('StopTransaction', aStopTransaction({ transactionId, idTag: token.value }));
      expect(answer).toEqual({ idTagInfo: { status: 'Accepted' } });
      expect(await charger.call<Answer>('StopTransaction', aStopTransaction({ transactionId }))).toEqual({});
      expect(await anomalyKinds(system, station.id)).toEqual(['unknown-transaction', 'unknown-transaction']);
      expect(charger.violations).toEqual([]);
      await charger.close();
    },
  );

  it('answers Invalid about an unknown idTag in the stop, and still completes the session', async () => {
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value });
    const answer = await charger.call<Answer>('StopTransaction', aStopTransaction({ transactionId, idTag: anIdTag() }));
    expect(answer).toEqual({ idTagInfo: { status: 'Invalid' } });
    expect((await sessionRow(system, transactionId)).state).toBe('Completed');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("does not stop another station's session", async () => {
    const mine = await aConnectedCharger(system);
    const theirs = await aConnectedCharger(system);
    const { transactionId } = await startSession(theirs.charger, { idTag: (await anIdToken(system)).value });
    await mine.charger.call('StopTransaction', aStopTransaction({ transactionId }));
    expect((await sessionRow(system, transactionId)).state).toBe('Active');
    expect(await anomalyKinds(system, mine.station.id)).toEqual(['unknown-transaction']);
    for (const { charger } of [mine, theirs]) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
  });

  it('keeps energy null and flags the session when meterStop is below meterStart', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 10_000 });
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 9_000 }));
    expect(await sessionRow(system, transactionId)).toMatchObject({
      state: 'Completed',
      meterStopWh: 9_000,
      energyWh: null,
      flags: ['negative-energy'],
    });
    expect(await anomalyKinds(system, station.id)).toEqual(['negative-energy']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers a stop whose meterStop no column can hold, and keeps energy null', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 10_000 });
    expect(await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 1e19 }))).toEqual({});
    expect(await sessionRow(system, transactionId)).toMatchObject({
      state: 'Completed',
      meterStopWh: null,
      energyWh: null,
      flags: ['invalid-meter'],
    });
    expect(await anomalyKinds(system, station.id)).toEqual(['invalid-meter']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('flags a meter that went back to near zero as a meter reset', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 500_000 });
    await charger.call('StopTransaction', aStopTransaction({ transactionId, meterStop: 1_200 }));
    expect(await sessionRow(system, transactionId)).toMatchObject({ energyWh: null, flags: ['meter-reset'] });
    expect(await anomalyKinds(system, station.id)).toEqual(['meter-reset']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('writes transactionData samples to the warehouse, normalised and once even when the stop is repeated', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 1000 });
    const stop = aStopTransaction({
      transactionId,
      meterStop: 13_000,
      transactionData: [
        aMeterValue([{ value: '1.0', unit: 'kWh', context: 'Transaction.Begin' }], '2026-03-01T10:00:00.000Z'),
        aMeterValue(
          [
            { value: '13.0', unit: 'kWh', context: 'Transaction.End' },
            { value: '0', measurand: 'Power.Active.Import', unit: 'W', context: 'Transaction.End' },
          ],
          '2026-03-01T11:00:00.000Z',
        ),
      ],
    });
    await charger.call('StopTransaction', stop);
    await charger.call('StopTransaction', stop);
    const sessionId = (await sessionRow(system, transactionId)).id;
    expect(await warehouseSamples(system, station.identity)).toEqual([
      {
        session_id: sessionId,
        transaction_id: String(transactionId),
        measurand: 'Energy.Active.Import.Register',
        phase: '',
        unit: 'Wh',
        value: 1000,
        source: 'StopTransaction',
      },
      {
        session_id: sessionId,
        transaction_id: String(transactionId),
        measurand: 'Energy.Active.Import.Register',
        phase: '',
        unit: 'Wh',
        value: 13_000,
        source: 'StopTransaction',
      },
      {
        session_id: sessionId,
        transaction_id: String(transactionId),
        measurand: 'Power.Active.Import',
        phase: '',
        unit: 'W',
        value: 0,
        source: 'StopTransaction',
      },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps the readable transactionData samples and records the ones it cannot read', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { idTag: (await anIdToken(system)).value, meterStart: 0 });
    await charger.call(
      'StopTransaction',
      aStopTransaction({
        transactionId,
        meterStop: 2000,
        transactionData: [
          aMeterValue([{ value: '2000' }, { value: 'AQIDBA==', format: 'SignedData' }, { value: 'n/a', measurand: 'SoC' }]),
        ],
      }),
    );
    expect((await warehouseSamples(system, station.identity)).map((s) => s.value)).toEqual([2000]);
    expect((await anomalyKinds(system, station.id)).sort()).toEqual(['meter-not-a-number', 'meter-signed-data']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
