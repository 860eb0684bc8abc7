import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aStationAt, aTagOf } from '../test/api-data.js';
import { anOrganisation } from '../test/api.js';
import { sql } from '../test/builders.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { catchUpWebhooks } from '../webhooks/catch-up.js';
import { eventIdOf } from '../webhooks/events.js';
import { signatureHeader, verify } from '../webhooks/signature.js';
import { startWebhooks } from './webhooks.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A partner's receiver on port 0: records every request and answers with the next status given (then 200). */
async function aReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: (path: string) => `http://127.0.0.1:${port}${path}`, received, statuses, close: () => server.close() };
}

/** `read` once `done` says so (the test system's `eventually`, with a condition on the value). */
const until = <T>(read: () => Promise<T> | T, done: (value: T) => boolean, ms = 10_000): Promise<T> =>
  eventually(async () => {
    const value = await read();
    return done(value) ? value : undefined;
  }, ms);

const secret = 'whsec-test-0123456789abcdefghij';

describe('webhooks', () => {
  let system: TestSystem;
  let receiver: Awaited<ReturnType<typeof aReceiver>>;
  let worker: Awaited<ReturnType<typeof startWebhooks>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    receiver = await aReceiver();
    worker = await startWebhooks(system.deps, { attempts: 3, backoffMs: 100, sweepMs: 60_000 });
  });
  afterAll(async () => {
    await worker?.close();
    receiver?.close();
    await system?.close();
  });

  const anEndpoint = async (organisationId: string, path: string, events = ['session.ended']) =>
    system.deps.webhooks.endpoints.create({ organisationId, url: receiver.url(path), secret, events, createdBy: null });

  it('sends an ended session to the endpoint that wants it, signed so the receiver can verify it, once', async () => {
    const org = await anOrganisation(system);
    const other = await anOrganisation(system);
    await anEndpoint(org.organisationId, '/ended');
    await anEndpoint(org.organisationId, '/invoices-only', ['invoice.issued']);
    await anEndpoint(other.organisationId, '/other-org');
    const station = await aStationAt(system, org.siteId, `WH-${Date.now()}`);
    const session = await aSession(system, station, await aTagOf(system, null), { stop: { meterStopWh: 8000 } });

    const got = await until(
      () => receiver.received.filter((r) => r.path === '/ended'),
      (list) => list.length > 0,
    );
    expect(got).toHaveLength(1);
    const [request] = got as [Received];
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      id: eventIdOf(`session.ended:${session.id}`),
      type: 'session.ended',
      organisationId: org.organisationId,
      data: { sessionId: session.id, stationIdentity: station.identity, energyWh: 7000, stopReason: 'Local' },
    });
    expect(request.headers['evcms-event']).toBe('session.ended');
    expect(verify(secret, request.body, request.headers[signatureHeader] as string, new Date())).toEqual({ ok: true });
    expect(verify('another-secret-0123456789abcd', request.body, request.headers[signatureHeader] as string, new Date()).ok).toBe(false);
    expect(verify(secret, `${request.body} `, request.headers[signatureHeader] as string, new Date()).ok).toBe(false);
    expect(receiver.received.filter((r) => r.path !== '/ended' && r.body.includes(session.id))).toEqual([]);

    // The sweep finds it delivered already: the same event is not recorded nor sent twice.
    expect(await catchUpWebhooks({ orm: system.deps.orm, deliveries: system.deps.webhooks.deliveries }, 86_400_000)).toBe(0);
    const rows = await until(
      () =>
        sql<{ status: string }>(system, `select status, attempts, last_status_code from webhook_delivery where event_id = ?`, [body.id]),
      (list) => list[0]?.status === 'delivered',
    );
    expect(rows).toEqual([{ status: 'delivered', attempts: 1, last_status_code: 200 }]);
  });

  it('tries again after a 500 and records each attempt', async () => {
    const org = await anOrganisation(system);
    const endpoint = await anEndpoint(org.organisationId, '/flaky');
    receiver.statuses.push(500);
    const station = await aStationAt(system, org.siteId, `WH-${Date.now()}`);
    await aSession(system, station, await aTagOf(system, null), { stop: { meterStopWh: 2000 } });
    const rows = await until(
      () =>
        sql<{ status: string }>(system, `select status, attempts, last_status_code from webhook_delivery where endpoint_id = ?`, [
          endpoint.id,
        ]),
      (list) => list[0]?.status === 'delivered',
    );
    expect(rows).toEqual([{ status: 'delivered', attempts: 2, last_status_code: 200 }]);
    const sent = receiver.received.filter((r) => r.path === '/flaky');
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers['evcms-delivery']).toBe(sent[1]?.headers['evcms-delivery']);
  });

  it('gives a delivery up after its last attempt and disables an endpoint that keeps failing', async () => {
    const org = await anOrganisation(system);
    const deliveries = system.deps.webhooks.deliveries;
    const endpoint = await system.deps.webhooks.endpoints.create({
      organisationId: org.organisationId,
      url: 'http://127.0.0.1:9/nobody-listens',
      secret,
      events: ['webhook.ping'],
      createdBy: null,
    });
    for (let n = 0; n < 20; n++) {
      const id = await deliveries.recordPing(endpoint.id, new Date());
      await expect(deliveries.attempt(id, { last: true })).rejects.toThrow(/webhook delivery/);
    }
    const [state] = await sql(system, 'select enabled, failures_in_row, disabled_reason from webhook_endpoint where id = ?', [endpoint.id]);
    expect(state).toEqual({ enabled: false, failures_in_row: 20, disabled_reason: 'disabled after 20 failed deliveries in a row' });
    const id = await deliveries.recordPing(endpoint.id, new Date());
    expect(await deliveries.attempt(id, { last: false })).toBe('endpoint-disabled');
    const failed = await sql(system, `select count(*)::int as n from webhook_delivery where endpoint_id = ? and status = 'failed'`, [
      endpoint.id,
    ]);
    expect(failed).toEqual([{ n: 21 }]);
  });

  it('records, from PostgreSQL, an ended session whose event the bus dropped', async () => {
    const org = await anOrganisation(system);
    const station = await aStationAt(system, org.siteId, `WH-${Date.now()}`);
    // Ended without a word on the bus (as while Redis was away): no delivery yet.
    const session = await aSession(system, station, await aTagOf(system, null), { startedAt: new Date(Date.now() - 600_000) });
    await sql(
      system,
      `update charging_session set state = 'Completed', stopped_at = now() - interval '1 minute', stop_reason = 'Local',
         meter_stop_wh = 3000, energy_wh = 2000 where id = ?`,
      [session.id],
    );
    await system.deps.webhooks.endpoints.create({
      organisationId: org.organisationId,
      url: receiver.url('/caught-up'),
      secret,
      events: ['session.ended'],
      createdBy: null,
    });
    await sql(system, `update webhook_endpoint set created_at = now() - interval '1 hour' where organisation_id = ?`, [org.organisationId]);
    expect(await catchUpWebhooks({ orm: system.deps.orm, deliveries: system.deps.webhooks.deliveries }, 86_400_000)).toBe(1);
    expect(await catchUpWebhooks({ orm: system.deps.orm, deliveries: system.deps.webhooks.deliveries }, 86_400_000)).toBe(0);
    const [row] = await sql<{ id: string; payload: { data: Record<string, unknown> } }>(
      system,
      `select d.id, d.payload from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where e.organisation_id = ?`,
      [org.organisationId],
    );
    expect(row?.payload.data).toMatchObject({ sessionId: session.id, energyWh: 2000 });
    await worker.enqueue(row?.id as string);
    const got = await until(
      () => receiver.received.filter((r) => r.path === '/caught-up'),
      (list) => list.length > 0,
    );
    expect(JSON.parse(got[0]?.body ?? '{}').data.sessionId).toBe(session.id);
  });
});
