import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, anOrganisation, errorCode, gql } from '../../test/api.js';
import { aSession, aStationAt, aTagOf, twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe("a station's detail in the API", () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  const tokens: Record<string, string> = {};
  let driverTag: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Detail Alpha', 'Detail Beta']);
    ({ orgA, orgB } = world);
    Object.assign(tokens, world.tokens);
    const driver = world.users.driver;
    tokens.readerA = await aPartnerKey(system, orgA.organisationId, ['stations:read']);
    tokens.sessionsA = await aPartnerKey(system, orgA.organisationId, ['stations:read', 'sessions:read']);
    const one = await aStationAt(system, orgA.siteId, 'DETAIL-1');
    const two = await aStationAt(system, orgA.siteId, 'DETAIL-2');
    await aStationAt(system, orgB.siteId, 'DETAIL-B');
    const { stations, anomalies } = system.deps;
    for (const [i, station] of [one, one, two].entries()) {
      const boot = { chargePointVendor: 'Acme', chargePointModel: 'Volt', firmwareVersion: `1.0.${i}`, ocppVersion: '1.6' };
      await stations.recordBoot(station, boot, new Date(Date.UTC(2026, 0, 1, 10, i)));
    }
    for (const [connectorId, status, minute] of [
      [1, 'Available', 0],
      [2, 'Faulted', 1],
      [1, 'Charging', 2],
    ] as const) {
      await stations.recordStatus(one, { connectorId, status, errorCode: 'NoError' }, new Date(Date.UTC(2026, 0, 1, 11, minute)));
    }
    await anomalies.record(one.id, 'unknown-transaction', { transactionId: 99 });
    await stations.recordSecurityEvent(
      one,
      { type: 'TamperDetectionActivated', timestamp: '2026-01-01T12:00:00Z', techInfo: 'lid' },
      new Date(),
    );
    await system.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into configuration_key (station_id, key, value, readonly, read_at) values (?, 'HeartbeatInterval', '300', false, now())`,
        [one.id],
      );
    const tag = await aTagOf(system, driver.id);
    driverTag = tag.value;
    await aSession(system, one, await aTagOf(system, null), { connectorId: 1 });
    await aSession(system, one, tag, { connectorId: 2 });
  });
  afterAll(() => system?.close());

  const detail = `query($identity: String!) { station(identity: $identity) {
    site { name } organisation { name }
    configuration { key value readonly }
    bootHistory(first: 1) { firmwareVersion answered }
    statusHistory(first: 5, connectorId: 1) { connectorId status }
    anomalies { kind detail }
    securityEvents { type techInfo stationTimestamp }
  } }`;

  it('shows an operator the site, organisation, configuration, histories (newest first) and anomalies', async () => {
    const result = await gql(system, detail, { identity: 'DETAIL-1' }, tokens.operatorA);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      station: {
        site: { name: 'Detail Alpha site' },
        organisation: { name: 'Detail Alpha' },
        configuration: [{ key: 'HeartbeatInterval', value: '300', readonly: false }],
        bootHistory: [{ firmwareVersion: '1.0.1', answered: 'Accepted' }],
        statusHistory: [
          { connectorId: 1, status: 'Charging' },
          { connectorId: 1, status: 'Available' },
        ],
        anomalies: [{ kind: 'unknown-transaction', detail: { transactionId: 99 } }],
        securityEvents: [{ type: 'TamperDetectionActivated', techInfo: 'lid', stationTimestamp: '2026-01-01T12:00:00.000Z' }],
      },
    });
  });

  it("keeps each station's history apart when a list asks for many at once", async () => {
    const result = await gql<{ stations: { nodes: { identity: string; bootHistory: { firmwareVersion: string }[] }[] } }>(
      system,
      '{ stations { nodes { identity bootHistory(first: 5) { firmwareVersion } } } }',
      {},
      tokens.operatorA,
    );
    expect(result.data?.stations.nodes).toEqual([
      { identity: 'DETAIL-1', bootHistory: [{ firmwareVersion: '1.0.1' }, { firmwareVersion: '1.0.0' }] },
      { identity: 'DETAIL-2', bootHistory: [{ firmwareVersion: '1.0.2' }] },
    ]);
  });

  it("lets a partner with stations:read see them, and reads another organisation's station as not found", async () => {
    expect((await gql(system, detail, { identity: 'DETAIL-1' }, tokens.readerA)).errors).toBeUndefined();
    expect(errorCode(await gql(system, detail, { identity: 'DETAIL-1' }, tokens.operatorB))).toBe('NOT_FOUND');
  });

  it('shows drivers where a station is, but not its configuration, histories, anomalies or security events', async () => {
    const place = await gql(system, '{ station(identity: "DETAIL-1") { site { name } organisation { name } } }', {}, tokens.driver);
    expect(place.data).toEqual({ station: { site: { name: 'Detail Alpha site' }, organisation: { name: 'Detail Alpha' } } });
    for (const field of [
      'configuration { key }',
      'bootHistory { model }',
      'statusHistory { status }',
      'anomalies { kind }',
      'securityEvents { type }',
    ]) {
      const result = await gql(system, `{ station(identity: "DETAIL-1") { ${field} } }`, {}, tokens.driver);
      expect(errorCode(result), field).toBe('FORBIDDEN');
    }
  });

  const current = '{ station(identity: "DETAIL-1") { currentSessions { connectorId idTag state } } }';

  it('shows the open sessions by connector to staff, and a driver only their own', async () => {
    const staff = await gql<{ station: { currentSessions: { connectorId: number }[] } }>(system, current, {}, tokens.operatorA);
    expect(staff.data?.station.currentSessions.map((s) => s.connectorId)).toEqual([1, 2]);
    const driver = await gql(system, current, {}, tokens.driver);
    expect(driver.data).toEqual({ station: { currentSessions: [{ connectorId: 2, idTag: driverTag, state: 'Active' }] } });
  });

  it('wants sessions:read of a partner for the open sessions', async () => {
    expect(errorCode(await gql(system, current, {}, tokens.readerA))).toBe('FORBIDDEN');
    expect((await gql(system, current, {}, tokens.sessionsA)).errors).toBeUndefined();
  });

  it('refuses a history page over the cap', async () => {
    const result = await gql(system, '{ station(identity: "DETAIL-1") { bootHistory(first: 1000) { model } } }', {}, tokens.operatorA);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
  });
});
