import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, Topic } from '../events/topics.js';
import { liveClient, subscribe } from '../test/live.js';
import { aPermissionWorld, type PermissionWorld, type PrincipalName, principals, schemaOperations } from '../test/permissions.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// Every subscription of the schema against every principal: each subscribes, one event about station A
// (or the driver's session there) is published, and the matrix says who hears of it.

const subscriptionNames = await schemaOperations('Subscription');

/** What a subscriber gets: the event, nothing at all, or the code its subscription was refused with. */
type LiveOutcome = 'receives' | 'nothing' | 'FORBIDDEN' | 'UNAUTHENTICATED';
type LiveExpectations = Record<PrincipalName, LiveOutcome>;

interface SubscriptionRow {
  document: string;
  variables?: Record<string, unknown>;
  /** The one event published while everyone listens. */
  event: { [T in Topic]: { topic: T; payload: EventMap[T] } }[Topic];
  expect: LiveExpectations;
}

/** Station events: staff and partners of A, drivers (who may charge there); not B's. */
const stationEvent: LiveExpectations = {
  anonymous: 'UNAUTHENTICATED',
  admin: 'receives',
  operatorA: 'receives',
  operatorB: 'nothing',
  driver: 'receives',
  otherDriver: 'receives',
  partnerA: 'receives',
  partnerANoScope: 'FORBIDDEN',
  partnerB: 'nothing',
};
/** Session events: as for the station, except that a driver hears of their own sessions only. */
const sessionEvent: LiveExpectations = { ...stationEvent, otherDriver: 'nothing' };
/** Command outcomes: staff and partners only. */
const commandEvent: LiveExpectations = { ...stationEvent, driver: 'FORBIDDEN', otherDriver: 'FORBIDDEN' };
/** Security events: staff and partners with stations:read, as the station's operational history. */
const securityEvent: LiveExpectations = commandEvent;

function subscriptionRows(w: PermissionWorld): Record<string, SubscriptionRow> {
  const station = { stationId: w.stationA.id, identity: w.stationA.identity };
  const session = { ...station, sessionId: w.driverSession, transactionId: '1', connectorId: 1 };
  const at = new Date().toISOString();
  const ofStationA = { station: w.stationA.identity };
  const alertOfA = {
    ...station,
    alertId: '00000000-0000-4000-8000-00000000a1e7',
    organisationId: w.orgA,
    kind: 'connector-faulted',
    causeKey: 'connector:1',
    severity: 'major',
    message: 'connector 1 faulted: GroundFailure',
    details: {},
    resolvedBy: null,
    at,
  };
  return {
    stationStatusChanged: {
      document: 'subscription($station: String!) { stationStatusChanged(stationIdentity: $station) { status } }',
      variables: ofStationA,
      event: { topic: 'station.status', payload: { ...station, status: 'Faulted', errorCode: 'GroundFailure', at } },
      expect: stationEvent,
    },
    connectorStatusChanged: {
      document: 'subscription($station: String!) { connectorStatusChanged(stationIdentity: $station) { connectorId status } }',
      variables: ofStationA,
      event: {
        topic: 'connector.status',
        payload: {
          ...station,
          evseId: 1,
          connectorId: 1,
          status: 'Occupied',
          ocppStatus: 'Charging',
          errorCode: 'NoError',
          info: null,
          vendorErrorCode: null,
          at,
        },
      },
      expect: stationEvent,
    },
    stationOnlineChanged: {
      document: 'subscription { stationOnlineChanged { stationIdentity online } }',
      event: { topic: 'station.online', payload: { ...station, online: true, at } },
      expect: stationEvent,
    },
    sessionStarted: {
      document: 'subscription { sessionStarted { sessionId } }',
      event: { topic: 'session.started', payload: { ...session, idTag: w.driverTag.value, at } },
      expect: sessionEvent,
    },
    sessionUpdated: {
      document: 'subscription { sessionUpdated { sessionId energyWh } }',
      event: { topic: 'session.updated', payload: { ...session, energyWh: 1200, powerW: 7200, at } },
      expect: sessionEvent,
    },
    sessionEnded: {
      document: 'subscription { sessionEnded { sessionId ocppTransactionId reason } }',
      event: { topic: 'session.ended', payload: { ...session, energyWh: 2400, reason: 'Local', at } },
      expect: sessionEvent,
    },
    stationSecurityEvent: {
      document: 'subscription { stationSecurityEvent { stationIdentity type } }',
      event: { topic: 'station.security', payload: { ...station, type: 'TamperDetectionActivated', techInfo: null, at } },
      expect: securityEvent,
    },
    commandResult: {
      document: 'subscription { commandResult { action status } }',
      event: {
        topic: 'command.result',
        payload: { ...station, action: 'Reset', status: 'ok', response: { status: 'Accepted' }, error: null, at },
      },
      expect: commandEvent,
    },
    invoiceIssued: {
      document: 'subscription { invoiceIssued { number totalMinor } }',
      event: {
        topic: 'invoice.issued',
        payload: {
          ...station,
          invoiceId: w.invoiceA,
          number: 'PERM-1',
          sessionId: w.driverSession,
          payerUserId: w.people.driver.id,
          organisationId: w.orgA,
          currency: 'RWF',
          totalMinor: 1180,
          at,
        },
      },
      // The driver who pays, and organisation A's staff and partners.
      expect: { ...sessionEvent, partnerANoScope: 'FORBIDDEN' },
    },
    alertRaised: {
      document: 'subscription { alertRaised { kind severity stationIdentity } }',
      event: { topic: 'alert.raised', payload: alertOfA },
      // Organisation A's staff and partners with stations:read: drivers are not told of operations.
      expect: commandEvent,
    },
    alertResolved: {
      document: 'subscription($station: String) { alertResolved(stationIdentity: $station) { kind resolvedBy } }',
      variables: ofStationA,
      event: { topic: 'alert.resolved', payload: { ...alertOfA, resolvedBy: null } },
      expect: commandEvent,
    },
    firmwareCampaignUpdated: {
      document: 'subscription { firmwareCampaignUpdated { campaignId state totals { total } } }',
      event: {
        topic: 'firmware.campaign',
        payload: {
          campaignId: '00000000-0000-4000-8000-0000000f1a00',
          organisationId: w.orgA,
          state: 'running',
          totals: { pending: 1 },
          at,
        },
      },
      // Organisation A's staff: campaigns are theirs to run, not partners' or drivers'.
      expect: { ...commandEvent, partnerA: 'FORBIDDEN', partnerB: 'FORBIDDEN' },
    },
    reportProgress: {
      document: 'subscription { reportProgress { reportId state stage percent } }',
      event: {
        topic: 'report.progress',
        payload: {
          reportId: '00000000-0000-4000-8000-0000000e9007',
          organisationId: w.orgA,
          kind: 'MONTHLY_OPERATOR',
          state: 'running',
          stage: 'uptime',
          percent: 40,
          error: null,
          at,
        },
      },
      // Organisation A's staff: reports are theirs, not partners' or drivers'.
      expect: { ...commandEvent, partnerA: 'FORBIDDEN', partnerB: 'FORBIDDEN' },
    },
    paymentUpdated: {
      document: 'subscription { paymentUpdated { paymentId state } }',
      event: {
        topic: 'payment.updated',
        payload: {
          paymentId: '00000000-0000-4000-8000-000000000001',
          organisationId: w.orgA,
          payerUserId: w.people.driver.id,
          provider: 'momo',
          purpose: 'wallet_top_up',
          invoiceId: null,
          state: 'captured',
          reason: null,
          amountMinor: 1000,
          currency: 'RWF',
          at,
        },
      },
      // The driver who pays, and organisation A's staff and partners.
      expect: { ...sessionEvent, partnerANoScope: 'FORBIDDEN' },
    },
  };
}

describe('who hears of what: every subscription against every principal, with two organisations', () => {
  let system: TestSystem;
  let world: PermissionWorld;
  let rows: Record<string, SubscriptionRow>;
  const clients = {} as Record<PrincipalName, Client>;
  const publish = <T extends Topic>(event: { topic: T; payload: EventMap[T] }) => system.deps.events.publish(event.topic, event.payload);

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    world = await aPermissionWorld(system);
    rows = subscriptionRows(world);
    for (const who of principals) clients[who] = liveClient(system.apiUrl, world.credentials[who]);
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) await client.dispose();
    await system?.close();
  });

  it('has a row for every subscription of the schema, and none for a subscription that is gone', () => {
    expect(Object.keys(rows).sort()).toEqual(subscriptionNames);
  });

  it.each(subscriptionNames)('tells of %s whom the matrix says, and no one else', async (name) => {
    const row = rows[name];
    if (!row) throw new Error(`subscription ${name} has no row in the permission matrix: add one to api/permissions.subscriptions.test.ts`);
    const feeds = await Promise.all(principals.map((who) => subscribe(clients[who], row.document, row.variables)));
    await publish(row.event);
    await Promise.all(
      principals.map((who, i) => (row.expect[who] === 'receives' ? feeds[i]?.next(undefined, 3000).catch(() => null) : null)),
    );
    // Those who should hear nothing have had as long as the others, and some more.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const observed = Object.fromEntries(
      principals.map((who, i) => {
        const feed = feeds[i];
        const error = feed?.errors[0];
        const outcome = error ? (error.extensions?.code ?? error.message) : feed?.received.length ? 'receives' : 'nothing';
        return [who, outcome];
      }),
    );
    for (const feed of feeds) feed.stop();
    expect(observed).toEqual(row.expect);
  });
});
