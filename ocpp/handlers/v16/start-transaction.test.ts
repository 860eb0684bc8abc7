import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aConnectedCharger,
  anIdTag,
  anIdToken,
  anomalyKinds,
  aStartTransaction,
  listenTo,
  type StartedSession,
  sessionRow,
  sql,
  startSession,
} from '../../../test/builders.js';
import { connectCharger } from '../../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('StartTransaction', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const sessionsOf = async (stationId: string) =>
    sql<{ id: number; state: string }>(
      system,
      'select transaction_id::int as id, state from charging_session where station_id = ? order by transaction_id::int',
      [stationId],
    );

  it('answers a positive int32 transactionId and Accepted for a known credential', async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    const answer = await startSession(charger, { idTag: token.value });
    expect(Number.isInteger(answer.transactionId)).toBe(true);
    expect(answer.transactionId).toBeGreaterThan(0);
    expect(answer.transactionId).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(answer.idTagInfo).toEqual({ status: 'Accepted' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('records the session as the station sent it, with the time it was received', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const timestamp = new Date(Date.now() - 30_000).toISOString();
    const before = Date.now();
    const { transactionId } = await startSession(charger, {
      connectorId: 2,
      idTag: token.value,
      meterStart: 12_345,
      timestamp,
      reservationId: 7,
    });
    const row = await sessionRow(system, transactionId);
    expect(row).toMatchObject({
      station: { id: station.id },
      transactionId: String(transactionId),
      evseId: 2,
      connectorId: 2,
      idTag: token.value,
      credentialType: 'ISO14443',
      idToken: { id: token.id },
      authStatus: 'Accepted',
      reservationId: 7,
      state: 'Active',
      meterStartWh: 12_345,
      startedAt: new Date(timestamp),
      flags: [],
    });
    expect(row.startReceivedAt.getTime()).toBeGreaterThanOrEqual(before - 50);
    expect(row.startReceivedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("marks the reservation the start names as used, by this session, when it is the station's own", async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const reserve = `insert into reservation (station_id, connector_id, id_tag, expires_at, status, created_at, updated_at)
      values (?, 1, ?, now() + interval '1 hour', 'Accepted', now(), now()) returning id`;
    const [mine] = await sql<{ id: number }>(system, reserve, [station.id, token.value]);
    const { station: other, charger: otherCharger } = await aConnectedCharger(system);
    await otherCharger.close();
    const [theirs] = await sql<{ id: number }>(system, reserve, [other.id, token.value]);
    const { transactionId } = await startSession(charger, { idTag: token.value, reservationId: mine?.id });
    const session = await sessionRow(system, transactionId);
    expect(await sql(system, 'select status, session_id from reservation where id = ?', [mine?.id])).toEqual([
      { status: 'Used', session_id: session.id },
    ]);
    await charger.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
    await startSession(charger, { idTag: token.value, reservationId: theirs?.id });
    expect(await sql(system, 'select status, session_id from reservation where id = ?', [theirs?.id])).toEqual([
      { status: 'Accepted', session_id: null },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('returns the same transactionId when the charger retries', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const start = aStartTransaction({ idTag: token.value });
    const first = await charger.call<StartedSession>('StartTransaction', start);
    const retry = await charger.call<StartedSession>('StartTransaction', start);
    expect(retry).toEqual(first);
    expect(await sessionsOf(station.id)).toEqual([{ id: first.transactionId, state: 'Active' }]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('returns the same transactionId when the retry arrives on a new connection', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const start = aStartTransaction({ idTag: token.value });
    const first = await charger.call<StartedSession>('StartTransaction', start);
    await charger.close();
    const again = await connectCharger(system, station);
    expect(await again.call<StartedSession>('StartTransaction', start)).toEqual(first);
    expect(await sessionsOf(station.id)).toHaveLength(1);
    expect(again.violations).toEqual([]);
    await again.close();
  });

  it('starts a new session when the timestamp differs', async () => {
    const token = await anIdToken(system, { maxConcurrent: 5 });
    const { station, charger } = await aConnectedCharger(system);
    const start = aStartTransaction({ idTag: token.value, timestamp: '2026-03-01T10:00:00.000Z' });
    const first = await charger.call<StartedSession>('StartTransaction', start);
    const second = await charger.call<StartedSession>('StartTransaction', { ...start, timestamp: '2026-03-01T10:05:00.000Z' });
    expect(second.transactionId).not.toBe(first.transactionId);
    expect((await sessionsOf(station.id)).map((s) => s.id)).toEqual([first.transactionId, second.transactionId]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('records a session for an unknown idTag, answers Invalid, and notes the anomaly', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const answer = await startSession(charger, { idTag: anIdTag(), meterStart: 500 });
    expect(answer.transactionId).toBeGreaterThan(0);
    expect(answer.idTagInfo).toEqual({ status: 'Invalid' });
    const row = await sessionRow(system, answer.transactionId);
    expect(row).toMatchObject({
      authStatus: 'Invalid',
      idToken: null,
      credentialType: 'Unknown',
      meterStartWh: 500,
      flags: ['not-authorised'],
    });
    expect(await anomalyKinds(system, station.id)).toEqual(['start-not-authorised']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Invalid again, with no second anomaly, when a refused start is retried', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const start = aStartTransaction({ idTag: anIdTag() });
    const first = await charger.call<StartedSession>('StartTransaction', start);
    const retry = await charger.call<StartedSession>('StartTransaction', start);
    expect(retry).toEqual(first);
    expect(await anomalyKinds(system, station.id)).toEqual(['start-not-authorised']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps the session of a blocked credential started offline, and flags it', async () => {
    const token = await anIdToken(system, { status: 'Blocked' });
    const { station, charger } = await aConnectedCharger(system);
    const answer = await startSession(charger, { idTag: token.value, timestamp: new Date(Date.now() - 3_600_000).toISOString() });
    expect(answer.idTagInfo.status).toBe('Blocked');
    expect(await sessionRow(system, answer.transactionId)).toMatchObject({
      state: 'Active',
      authStatus: 'Blocked',
      flags: ['not-authorised'],
    });
    expect(await anomalyKinds(system, station.id)).toEqual(['start-not-authorised']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('closes a session still open on the connector as Superseded, flagged stop-lost', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const old = await startSession(charger, { connectorId: 1, idTag: (await anIdToken(system)).value });
    const other = await startSession(charger, { connectorId: 2, idTag: (await anIdToken(system)).value });
    const next = await startSession(charger, { connectorId: 1, idTag: (await anIdToken(system)).value });
    expect(await sessionRow(system, old.transactionId)).toMatchObject({
      state: 'Completed',
      stopReason: 'Superseded',
      flags: ['stop-lost'],
    });
    expect(await sessionRow(system, other.transactionId)).toMatchObject({ state: 'Active', stopReason: null });
    expect(await sessionRow(system, next.transactionId)).toMatchObject({ state: 'Active', flags: [] });
    expect((await sessionsOf(station.id)).filter((s) => s.state === 'Active')).toHaveLength(2);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("takes the station's own stop of a superseded session when it comes late, once", async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    const old = await startSession(charger, { connectorId: 1, idTag: token.value, meterStart: 1000 });
    await startSession(charger, { connectorId: 1, idTag: token.value, meterStart: 9000 });
    // Billing held it for want of a stop; the stop that comes releases it to be billed.
    expect(await system.deps.billing.bill((await sessionRow(system, old.transactionId)).id)).toMatchObject({ kind: 'held' });
    const stop = { transactionId: old.transactionId, meterStop: 8000, timestamp: new Date().toISOString(), reason: 'EVDisconnected' };
    expect(await charger.call('StopTransaction', stop)).toEqual({});
    const ended = {
      state: 'Completed',
      meterStopWh: 8000,
      energyWh: 7000,
      stopReason: 'EVDisconnected',
      flags: [],
      billingStatus: 'pending',
      billingHold: null,
    };
    expect(await sessionRow(system, old.transactionId)).toMatchObject(ended);
    // A repeat, or another stop for it, changes nothing.
    expect(await charger.call('StopTransaction', { ...stop, meterStop: 8500, reason: 'Local' })).toEqual({});
    expect(await sessionRow(system, old.transactionId)).toMatchObject(ended);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('accepts the driver whose own session lost its stop on that connector', async () => {
    const token = await anIdToken(system, { maxConcurrent: 1 });
    const { station, charger } = await aConnectedCharger(system);
    const old = await startSession(charger, { connectorId: 1, idTag: token.value, timestamp: '2026-03-01T10:00:00.000Z' });
    const next = await startSession(charger, { connectorId: 1, idTag: token.value, timestamp: '2026-03-01T12:00:00.000Z' });
    expect(next.idTagInfo.status).toBe('Accepted');
    expect(await sessionRow(system, old.transactionId)).toMatchObject({ stopReason: 'Superseded' });
    expect(await anomalyKinds(system, station.id)).toEqual([]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers ConcurrentTx when the credential is already charging at another connector, and keeps the session', async () => {
    const token = await anIdToken(system, { maxConcurrent: 1 });
    const { station, charger } = await aConnectedCharger(system);
    await startSession(charger, { connectorId: 1, idTag: token.value });
    const second = await startSession(charger, { connectorId: 2, idTag: token.value });
    expect(second.idTagInfo.status).toBe('ConcurrentTx');
    expect(await sessionRow(system, second.transactionId)).toMatchObject({ state: 'Active', authStatus: 'ConcurrentTx' });
    expect(await anomalyKinds(system, station.id)).toEqual(['start-not-authorised']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('publishes session.started', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const started = await listenTo(system, 'session.started');
    const timestamp = '2026-03-01T10:00:00.000Z';
    const { transactionId } = await startSession(charger, { connectorId: 3, idTag: token.value, timestamp });
    const event = await started.next((e) => e.identity === station.identity);
    expect(event).toEqual({
      stationId: station.id,
      identity: station.identity,
      sessionId: (await sessionRow(system, transactionId)).id,
      transactionId: String(transactionId),
      connectorId: 3,
      idTag: token.value,
      at: timestamp,
    });
    started.stop();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers a start whose meterStart or reservationId no column can hold, and records it flagged', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    const started = await startSession(charger, { idTag: token.value, meterStart: 1e19, reservationId: 2 ** 31 });
    expect(started.idTagInfo.status).toBe('Accepted');
    expect(await sessionRow(system, started.transactionId)).toMatchObject({
      state: 'Active',
      meterStartWh: null,
      reservationId: null,
      flags: ['invalid-meter'],
    });
    expect(await anomalyKinds(system, station.id)).toEqual(['meter-out-of-range', 'unknown-reservation']);
    // Its stop is answered too, with no energy to bill.
    await charger.call('StopTransaction', { transactionId: started.transactionId, meterStop: 5000, timestamp: new Date().toISOString() });
    expect(await sessionRow(system, started.transactionId)).toMatchObject({ state: 'Completed', energyWh: null });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('flags a start stamped well ahead of the server clock', async () => {
    const token = await anIdToken(system);
    const { station, charger } = await aConnectedCharger(system);
    await startSession(charger, { idTag: token.value, timestamp: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await anomalyKinds(system, station.id)).toEqual(['clock-ahead']);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each([0, -1, 2 ** 31])('refuses connectorId %i, which no session can be on, and records nothing', async (connectorId) => {
    const { station, charger } = await aConnectedCharger(system);
    await expect(startSession(charger, { connectorId, idTag: (await anIdToken(system)).value })).rejects.toMatchObject({
      rpcErrorCode: 'PropertyConstraintViolation',
    });
    expect(await sessionsOf(station.id)).toEqual([]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
