import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationIdentity } from '../../stations/service.js';
import { aPartnerKey } from '../../test/api.js';
import { aSession, aStationAt, aTagOf, twoOrganisations } from '../../test/api-data.js';
import { liveClient, subscribe } from '../../test/live.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('live monitoring over graphql-ws', () => {
  let system: TestSystem;
  const tokens: Record<string, string> = {};
  const clients: Client[] = [];
  let stationA: StationIdentity;
  let stationB: StationIdentity;
  let driverSession: { id: string; transactionId: string };
  let otherSession: { id: string; transactionId: string };
  const client = (who?: string) => {
    const created = liveClient(system.apiUrl, who ? tokens[who] : undefined);
    clients.push(created);
    return created;
  };
  const at = () => new Date().toISOString();
  const online = (station: StationIdentity, value = true) =>
    system.deps.events.publish('station.online', { stationId: station.id, identity: station.identity, online: value, at: at() });
  const update = (station: StationIdentity, session: { id: string; transactionId: string }, energyWh: number) =>
    system.deps.events.publish('session.updated', {
      stationId: station.id,
      identity: station.identity,
      sessionId: session.id,
      transactionId: session.transactionId,
      connectorId: 1,
      energyWh,
      powerW: 7200,
      at: at(),
    });

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const { orgA, orgB, users, tokens: roles } = await twoOrganisations(system, ['Live Alpha', 'Live Beta']);
    Object.assign(tokens, roles);
    const driver = users.driver;
    tokens.partnerStations = await aPartnerKey(system, orgA.organisationId, ['stations:read']);
    stationA = await aStationAt(system, orgA.siteId, 'LIVE-A');
    stationB = await aStationAt(system, orgB.siteId, 'LIVE-B');
    driverSession = await aSession(system, stationA, await aTagOf(system, driver.id));
    otherSession = await aSession(system, stationA, await aTagOf(system, null), { connectorId: 2 });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await system?.close();
  });

  it("tells an operator of its organisation's stations going online, and nothing of another organisation's", async () => {
    const query = 'subscription { stationOnlineChanged { stationIdentity online } }';
    const feedA = await subscribe(client('operatorA'), query);
    const feedB = await subscribe(client('operatorB'), query);
    const feedAdmin = await subscribe(client('admin'), query);
    await online(stationA);
    await online(stationB);
    // Events reach a subscriber in order: once B's own event is in, A's would have been before it.
    await feedB.next((e) => (e.stationOnlineChanged as { stationIdentity: string }).stationIdentity === 'LIVE-B');
    await feedA.next();
    await feedAdmin.next((e) => (e.stationOnlineChanged as { stationIdentity: string }).stationIdentity === 'LIVE-B');
    expect(feedA.received).toEqual([{ stationOnlineChanged: { stationIdentity: 'LIVE-A', online: true } }]);
    expect(feedB.received).toEqual([{ stationOnlineChanged: { stationIdentity: 'LIVE-B', online: true } }]);
    expect(feedAdmin.received).toHaveLength(2);
  });

  it('narrows connector statuses to the station and connector asked for', async () => {
    const feed = await subscribe(
      client('partnerStations'),
      'subscription { connectorStatusChanged(stationIdentity: "LIVE-A", connectorId: 2) { stationIdentity connectorId status } }',
    );
    for (const [connectorId, status] of [
      [1, 'Charging'],
      [2, 'Faulted'],
    ] as const) {
      await system.deps.stations.recordStatus(stationA, { connectorId, status, errorCode: 'NoError' }, new Date());
    }
    await feed.next();
    await new Promise((r) => setTimeout(r, 200));
    expect(feed.received).toEqual([{ connectorStatusChanged: { stationIdentity: 'LIVE-A', connectorId: 2, status: 'Faulted' } }]);
  });

  it("shows a driver the live energy of their own session, not of another driver's at the same station", async () => {
    const feed = await subscribe(client('driver'), 'subscription { sessionUpdated { sessionId energyWh powerW } }');
    await update(stationA, otherSession, 500);
    await update(stationA, driverSession, 1234);
    await feed.next();
    expect(feed.received).toEqual([{ sessionUpdated: { sessionId: driverSession.id, energyWh: 1234, powerW: 7200 } }]);
  });

  it('tells staff of a session ending, narrowed to a session', async () => {
    const feed = await subscribe(
      client('operatorA'),
      'subscription($id: ID) { sessionEnded(sessionId: $id) { sessionId ocppTransactionId reason energyWh } }',
      {
        id: otherSession.id,
      },
    );
    await system.deps.sessions.stop(stationA, {
      transactionId: driverSession.transactionId,
      meterStopWh: 2000,
      stoppedAt: new Date(),
      receivedAt: new Date(),
    });
    await system.deps.sessions.stop(stationA, {
      transactionId: otherSession.transactionId,
      meterStopWh: 3000,
      stoppedAt: new Date(),
      reason: 'Remote',
      receivedAt: new Date(),
    });
    await feed.next();
    expect(feed.received).toEqual([
      {
        sessionEnded: { sessionId: otherSession.id, ocppTransactionId: otherSession.transactionId, reason: 'Remote', energyWh: 2000 },
      },
    ]);
  });

  it("tells staff of their organisation's stations' security events, and drivers nothing", async () => {
    const query = 'subscription { stationSecurityEvent { stationIdentity type techInfo } }';
    const feedA = await subscribe(client('operatorA'), query);
    const driver = await subscribe(client('driver'), query);
    const event = { type: 'TamperDetectionActivated', timestamp: at(), techInfo: 'lid' };
    await system.deps.stations.recordSecurityEvent(stationB, event, new Date());
    await system.deps.stations.recordSecurityEvent(stationA, event, new Date());
    await feedA.next();
    await new Promise((r) => setTimeout(r, 100));
    expect(feedA.received).toEqual([
      { stationSecurityEvent: { stationIdentity: 'LIVE-A', type: 'TamperDetectionActivated', techInfo: 'lid' } },
    ]);
    await expect.poll(() => driver.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a subscription the caller may not make, with the code that says why', async () => {
    const sessions = await subscribe(client('partnerStations'), 'subscription { sessionUpdated { sessionId } }');
    const commands = await subscribe(client('driver'), 'subscription { commandResult { action } }');
    const anonymous = await subscribe(client(), 'subscription { stationOnlineChanged { online } }');
    await expect.poll(() => sessions.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    await expect.poll(() => commands.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    await expect.poll(() => anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closes the connection of a credential that is not valid', async () => {
    const bad = liveClient(system.apiUrl, 'not-a-token');
    clients.push(bad);
    const feed = await subscribe(bad, 'subscription { stationOnlineChanged { online } }');
    await expect.poll(() => feed.errors.length).toBeGreaterThan(0);
    expect(feed.errors[0]?.message).toMatch(/Forbidden/);
  });
});
