import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { sql } from '../../test/builders.js';
import { aStation, bootPayload, connectCharger } from '../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

interface Session {
  id: string;
  ocppTransactionId: string;
  stationIdentity: string;
  connectorId: number;
  credential: { value: string; type: string };
  state: string;
  meterStartWh: number;
  energyWh: number | null;
  stopReason: string | null;
}

const fields = 'id ocppTransactionId stationIdentity connectorId credential { value type } state meterStartWh energyWh stopReason';
const start = `mutation($station: String!, $connector: Int) { startCharging(stationIdentity: $station, connectorId: $connector) { ${fields} } }`;
const stop = `mutation($id: ID!) { stopCharging(sessionId: $id) { ${fields} } }`;

describe('charging from the app', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'], env: { REMOTE_SESSION_TIMEOUT: '2' } });
  });
  afterAll(() => system?.close());

  /** A connected charger that answers remote starts and stops the way it is told to, then reports the session. */
  async function aCharger(remoteStart: 'start' | 'accept-only' | 'reject' = 'start') {
    const station = await aStation(system);
    const calls: Promise<unknown>[] = [];
    const later = (action: string, payload: Record<string, unknown>) =>
      setTimeout(() => calls.push(charger.call(action, { timestamp: new Date().toISOString(), ...payload })), 50);
    const charger = await connectCharger(system, station, {
      handlers: {
        RemoteStartTransaction: (params) => {
          if (remoteStart === 'reject') return { status: 'Rejected' };
          if (remoteStart === 'start')
            later('StartTransaction', { connectorId: params.connectorId ?? 1, idTag: params.idTag, meterStart: 1000 });
          return { status: 'Accepted' };
        },
        RemoteStopTransaction: (params) => {
          later('StopTransaction', { transactionId: params.transactionId, meterStop: 6000, reason: 'Remote' });
          return { status: 'Accepted' };
        },
      },
    });
    await charger.call('BootNotification', bootPayload());
    const done = async () => {
      await Promise.all(calls);
      expect(charger.violations).toEqual([]);
      await charger.close();
    };
    return { station, charger, done };
  }

  it("starts with the driver's app credential and answers with the session the station started", async () => {
    const driver = await aUser(system, 'DRIVER');
    const { station, done } = await aCharger();
    const result = await gql<{ startCharging: Session }>(system, start, { station: station.identity, connector: 2 }, driver.token);
    expect(result.errors).toBeUndefined();
    const session = result.data!.startCharging;
    expect(session).toMatchObject({ stationIdentity: station.identity, connectorId: 2, state: 'Active', meterStartWh: 1000 });
    expect(Number(session.ocppTransactionId)).toBeGreaterThan(0);
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    const app = await system.deps.idTokens.appTokenOf(driver.id);
    expect(session.credential).toEqual({ value: app.value, type: 'Central' });
    expect(await sql(system, 'select id_tag, transaction_id, state from charging_session where id = ?', [session.id])).toEqual([
      { id_tag: app.value, transaction_id: session.ocppTransactionId, state: 'Active' },
    ]);
    await gql(system, stop, { id: session.id }, driver.token);
    await done();
  });

  it('stops the session and answers once the station ended it', async () => {
    const driver = await aUser(system, 'DRIVER');
    const { station, done } = await aCharger();
    const started = (await gql<{ startCharging: Session }>(system, start, { station: station.identity }, driver.token)).data!.startCharging;
    const result = await gql<{ stopCharging: Session }>(system, stop, { id: started.id }, driver.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.stopCharging).toMatchObject({ id: started.id, state: 'Completed', energyWh: 5000, stopReason: 'Remote' });
    await done();
  });

  it("does not let another driver, or an operator of another organisation, stop a driver's session", async () => {
    const driver = await aUser(system, 'DRIVER');
    const other = await aUser(system, 'DRIVER');
    const operator = await aUser(system, 'OPERATOR', (await anOrganisation(system)).organisationId);
    const { station, done } = await aCharger();
    const started = (await gql<{ startCharging: Session }>(system, start, { station: station.identity }, driver.token)).data!.startCharging;
    expect(errorCode(await gql(system, stop, { id: started.id }, other.token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, stop, { id: started.id }, operator.token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, stop, { id: 'not-a-session' }, driver.token))).toBe('NOT_FOUND');
    await gql(system, stop, { id: started.id }, driver.token);
    await done();
  });

  it('refuses a second session while the first is open, saying why', async () => {
    const driver = await aUser(system, 'DRIVER');
    const first = await aCharger();
    const second = await aCharger();
    const started = (await gql<{ startCharging: Session }>(system, start, { station: first.station.identity }, driver.token)).data!
      .startCharging;
    const refused = await gql(system, start, { station: second.station.identity }, driver.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ authorizationStatus: 'ConcurrentTx' });
    await gql(system, stop, { id: started.id }, driver.token);
    await first.done();
    await second.done();
  });

  it('refuses to start with an app credential the driver blocked, and audits the refusal', async () => {
    const driver = await aUser(system, 'DRIVER');
    const app = await system.deps.idTokens.appTokenOf(driver.id);
    const blocked = await gql(
      system,
      'mutation($id: ID!) { updateIdToken(id: $id, input: { status: Blocked }) { status } }',
      { id: app.id },
      driver.token,
    );
    expect(blocked.errors).toBeUndefined();
    const { station, done } = await aCharger();
    const refused = await gql(system, start, { station: station.identity }, driver.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toBe('cannot start: your app credential is blocked');
    await system.deps.authDecisions.flush();
    expect(await sql(system, 'select purpose, status, station_id from auth_decision where id_tag = ?', [app.value])).toEqual([
      { purpose: 'RemoteStart', status: 'Blocked', station_id: station.id },
    ]);
    await done();
  });

  it('says STATION_OFFLINE, STATION_REJECTED or STATION_TIMEOUT when the station cannot, will not, or does not start', async () => {
    const driver = await aUser(system, 'DRIVER');
    const offline = await aStation(system);
    expect(errorCode(await gql(system, start, { station: offline.identity }, driver.token))).toBe('STATION_OFFLINE');
    const refusing = await aCharger('reject');
    expect(errorCode(await gql(system, start, { station: refusing.station.identity }, driver.token))).toBe('STATION_REJECTED');
    await refusing.done();
    const silent = await aCharger('accept-only');
    const timedOut = await gql(system, start, { station: silent.station.identity }, driver.token);
    expect(errorCode(timedOut)).toBe('STATION_TIMEOUT');
    expect(timedOut.errors?.[0]?.message).toMatch(/started no session within 2 s/);
    await silent.done();
  });

  it('is for drivers: an operator is refused', async () => {
    const operator = await aUser(system, 'OPERATOR', (await anOrganisation(system)).organisationId);
    const { station, done } = await aCharger();
    expect(errorCode(await gql(system, start, { station: station.identity }, operator.token))).toBe('FORBIDDEN');
    await done();
  });
});
