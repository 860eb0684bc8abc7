import type { Orm } from '../database/orm.js';
import type { WebhookDeliveries } from './deliveries.js';
import { fromBus, type WebhookEvent } from './events.js';

/**
 * Events reach webhooks over the event bus, which drops them while Redis is away or no worker listens. For
 * what money and reports hang on (sessions ended, invoices issued) the state is in PostgreSQL, so a sweep
 * records, from the rows, what an endpoint that wanted it has no delivery of yet (same event id, so a
 * delivery the live event made is not made twice). Looks back `withinMs`.
 */
export async function catchUpWebhooks(deps: { orm: Orm; deliveries: WebhookDeliveries }, withinMs: number, limit = 500): Promise<number> {
  const events = [...(await endedSessions(deps.orm, withinMs, limit)), ...(await issuedInvoices(deps.orm, withinMs, limit))];
  let recorded = 0;
  for (const event of events) recorded += (await deps.deliveries.record(event)).length;
  return recorded;
}

const wanting = (type: string, eventKey: string, at: string) => `exists (
  select 1 from webhook_endpoint e where e.organisation_id = st.organisation_id and e.enabled
    and e.events @> '["${type}"]'::jsonb and e.created_at <= ${at}
    and not exists (select 1 from webhook_delivery d where d.endpoint_id = e.id and d.event_id = md5('${type}:' || ${eventKey})::uuid))`;

interface EndedRow {
  id: string;
  transaction_id: string;
  connector_id: number;
  energy_wh: string | null;
  stop_reason: string | null;
  stopped_at: Date;
  station_id: string;
  identity: string;
}

async function endedSessions(orm: Orm, withinMs: number, limit: number): Promise<WebhookEvent[]> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<EndedRow[]>(
      `select s.id, s.transaction_id, s.connector_id, s.energy_wh, s.stop_reason, s.stopped_at, st.id as station_id, st.identity
       from charging_session s join station st on st.id = s.station_id
       where s.state = 'Completed' and s.stopped_at > now() - make_interval(secs => ?)
         and ${wanting('session.ended', 's.id::text', 's.stopped_at')}
       order by s.stopped_at limit ?`,
      [withinMs / 1000, limit],
    );
  return rows.map((r) =>
    fromBus['session.ended']({
      stationId: r.station_id,
      identity: r.identity,
      sessionId: r.id,
      transactionId: r.transaction_id,
      connectorId: r.connector_id,
      energyWh: r.energy_wh === null ? null : Number(r.energy_wh),
      reason: r.stop_reason,
      at: new Date(r.stopped_at).toISOString(),
    }),
  );
}

interface InvoiceRow {
  id: string;
  number: string;
  session_id: string;
  payer_user_id: string | null;
  organisation_id: string;
  currency: string;
  incl_tax_minor: string;
  issued_at: Date;
  station_id: string;
  identity: string;
}

async function issuedInvoices(orm: Orm, withinMs: number, limit: number): Promise<WebhookEvent[]> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<InvoiceRow[]>(
      `select i.id, i.number, i.session_id, i.payer_user_id, i.organisation_id, i.currency, i.incl_tax_minor, i.issued_at,
         st.id as station_id, st.identity
       from invoice i join charging_session s on s.id = i.session_id join station st on st.id = s.station_id
       where i.kind = 'invoice' and i.issued_at > now() - make_interval(secs => ?)
         and ${wanting('invoice.issued', 'i.id::text', 'i.issued_at')}
       order by i.issued_at limit ?`,
      [withinMs / 1000, limit],
    );
  return rows.map((r) =>
    fromBus['invoice.issued']({
      stationId: r.station_id,
      identity: r.identity,
      invoiceId: r.id,
      number: r.number,
      sessionId: r.session_id,
      payerUserId: r.payer_user_id,
      organisationId: r.organisation_id,
      currency: r.currency,
      totalMinor: Number(r.incl_tax_minor),
      at: new Date(r.issued_at).toISOString(),
    }),
  );
}
