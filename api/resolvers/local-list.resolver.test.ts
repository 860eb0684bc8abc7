import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { anRfidUid } from '../../test/builders.js';
import { anIdentity, connectCharger } from '../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe("a station's local list and cache in the API", () => {
  let system: TestSystem;
  let org: Awaited<ReturnType<typeof anOrganisation>>;
  let operator: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    org = await anOrganisation(system, 'Lists Alpha');
    operator = (await aUser(system, 'OPERATOR', org.organisationId)).token;
  });
  afterAll(() => system?.close());

  /** A connected station of that site that accepts lists and cache clears, recording what it was sent. */
  async function aStationOf(siteId: string) {
    const identity = anIdentity('LLAPI');
    const created = await system.deps.stations.create({ identity, siteId });
    const received: Array<{ action: string; params: Record<string, unknown> }> = [];
    const charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          SendLocalList: (params) => {
            received.push({ action: 'SendLocalList', params });
            return { status: 'Accepted' };
          },
          ClearCache: (params) => {
            received.push({ action: 'ClearCache', params });
            return { status: 'Accepted' };
          },
        },
      },
    );
    return { identity, charger, received };
  }

  it("pushes the organisation's accepted credentials as the full list", async () => {
    const card = await system.deps.idTokens.create({ value: anRfidUid(), type: 'RFID', organisationId: org.organisationId });
    const station = await aStationOf(org.siteId);
    const result = await gql<{ pushLocalList: { status: string; listVersion: number; entries: number } }>(
      system,
      'mutation($s: String!) { pushLocalList(stationIdentity: $s) { status listVersion entries } }',
      { s: station.identity },
      operator,
    );
    expect(result.data?.pushLocalList).toMatchObject({ status: 'Accepted', listVersion: 1 });
    expect(station.received[0]?.params).toMatchObject({
      updateType: 'Full',
      localAuthorizationList: expect.arrayContaining([{ idTag: card.token.value, idTagInfo: { status: 'Accepted' } }]),
    });
    expect(station.charger.violations).toEqual([]);
    await station.charger.close();
  });

  it('sends a differential list as given, and clears the authorization cache', async () => {
    const station = await aStationOf(org.siteId);
    const sent = await gql<{ sendLocalList: { status: string; entries: number } }>(
      system,
      `mutation($s: String!) { sendLocalList(stationIdentity: $s, updateType: Differential,
         entries: [{ idTag: "LOSTCARD1", status: Blocked }, { idTag: "GONE1" }]) { status entries } }`,
      { s: station.identity },
      operator,
    );
    expect(sent.data?.sendLocalList).toEqual({ status: 'Accepted', entries: 2 });
    expect(station.received[0]?.params).toEqual({
      listVersion: 1,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'LOSTCARD1', idTagInfo: { status: 'Blocked' } }, { idTag: 'GONE1' }],
    });
    const cleared = await gql<{ clearAuthorizationCache: string }>(
      system,
      'mutation($s: String!) { clearAuthorizationCache(stationIdentity: $s) }',
      { s: station.identity },
      operator,
    );
    expect(cleared.data?.clearAuthorizationCache).toBe('Accepted');
    expect(station.received.map((r) => r.action)).toEqual(['SendLocalList', 'ClearCache']);
    expect(station.charger.violations).toEqual([]);
    await station.charger.close();
  });

  it('sends the listVersion an operator chooses (a certification run), refuses one that is no positive int32, then counts on from it', async () => {
    const station = await aStationOf(org.siteId);
    const send = `mutation($s: String!, $v: Int) { sendLocalList(stationIdentity: $s, updateType: Full, listVersion: $v,
       entries: [{ idTag: "CERT1", status: Accepted }]) { status listVersion } }`;
    const chosen = await gql<{ sendLocalList: { status: string; listVersion: number } }>(
      system,
      send,
      { s: station.identity, v: 42 },
      operator,
    );
    expect(chosen.data?.sendLocalList).toEqual({ status: 'Accepted', listVersion: 42 });
    expect(station.received[0]?.params).toMatchObject({ listVersion: 42, updateType: 'Full' });
    for (const v of [0, -1]) {
      const refused = await gql(system, send, { s: station.identity, v }, operator);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toBe(`listVersion: expected a positive 32-bit integer; got ${v}`);
    }
    expect(station.received).toHaveLength(1);
    const next = await gql<{ sendLocalList: { listVersion: number } }>(system, send, { s: station.identity }, operator);
    expect(next.data?.sendLocalList.listVersion).toBe(43);
    expect(station.charger.violations).toEqual([]);
    await station.charger.close();
  });

  it("reads another organisation's station as not found, and refuses drivers", async () => {
    const other = await anOrganisation(system, 'Lists Beta');
    const station = await aStationOf(other.siteId);
    const push = 'mutation($s: String!) { pushLocalList(stationIdentity: $s) { status } }';
    expect(errorCode(await gql(system, push, { s: station.identity }, operator))).toBe('NOT_FOUND');
    const driver = (await aUser(system, 'DRIVER')).token;
    expect(errorCode(await gql(system, push, { s: station.identity }, driver))).toBe('FORBIDDEN');
    expect(station.received).toEqual([]);
    expect(station.charger.violations).toEqual([]);
    await station.charger.close();
  });

  it('says STATION_OFFLINE for a station that is not connected, for each of the three', async () => {
    const identity = anIdentity('LLOFF');
    await system.deps.stations.create({ identity, siteId: org.siteId });
    for (const mutation of [
      'mutation($s: String!) { pushLocalList(stationIdentity: $s) { status } }',
      'mutation($s: String!) { sendLocalList(stationIdentity: $s, updateType: Full) { status } }',
      'mutation($s: String!) { clearAuthorizationCache(stationIdentity: $s) }',
    ]) {
      expect(errorCode(await gql(system, mutation, { s: identity }, operator)), mutation).toBe('STATION_OFFLINE');
    }
  });
});
