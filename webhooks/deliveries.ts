import { randomUUID } from 'node:crypto';
import type { Orm } from '../database/orm.js';
import type { Logger } from '../platform/logger.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { WebhookEvent } from './events.js';
import { sign, signatureHeader } from './signature.js';
import { checkWebhookTarget } from './url-policy.js';

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: DeliveryView['status'];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  url: string;
  sealed_secret: string;
  enabled: boolean;
}

const view = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at === null ? null : new Date(r.last_attempt_at),
  deliveredAt: r.delivered_at === null ? null : new Date(r.delivered_at),
  createdAt: new Date(r.created_at),
});

/** Why a delivery is to be tried again (BullMQ retries it with backoff). */
export class DeliveryFailed extends Error {}

export type Attempt = 'delivered' | 'already-done' | 'endpoint-disabled';

/**
 * Deliveries of events to endpoints, at least once: `record` writes one row per endpoint that wants the event
 * (once per event id, whoever records it again), `attempt` POSTs it signed and records the answer. A 2xx
 * is delivered; anything else, a timeout or a redirect is a failure, retried until the last attempt, which
 * marks it failed and counts against the endpoint: `disableAfter` failed deliveries in a row disable it.
 */
export class WebhookDeliveries {
  constructor(
    private readonly deps: {
      orm: Orm;
      box: SecretBox;
      log: Logger;
      allowPrivate: boolean;
      timeoutMs?: number;
      disableAfter?: number;
    },
  ) {}

  private sql() {
    return this.deps.orm.em.fork().getConnection();
  }

  /** Writes a delivery for every enabled endpoint of the event's organisation that wants it; returns the new ones' ids. */
  async record(event: WebhookEvent): Promise<string[]> {
    const owner = event.organisationId ? '?::uuid' : '(select organisation_id from station where id = ?::uuid)';
    const body = {
      id: event.id,
      type: event.type,
      createdAt: event.at,
      data: event.data,
    };
    const rows = await this.sql().execute<{ id: string }[]>(
      `insert into webhook_delivery (id, endpoint_id, event_id, event_type, payload, status, attempts, created_at)
       select gen_random_uuid(), e.id, ?::uuid, ?, jsonb_set(?::jsonb, '{organisationId}', to_jsonb(e.organisation_id::text)), 'pending', 0, now()
       from webhook_endpoint e
       where e.enabled and e.events @> jsonb_build_array(?::text) and e.organisation_id = ${owner}
       on conflict (endpoint_id, event_id) do nothing returning id`,
      [event.id, event.type, JSON.stringify(body), event.type, event.organisationId ?? event.stationId],
    );
    return rows.map((r) => r.id);
  }

  /** A ping for one endpoint, whatever events it asked for. */
  async recordPing(endpointId: string, at: Date): Promise<string> {
    const eventId = randomUUID();
    const [row] = await this.sql().execute<{ id: string }[]>(
      `insert into webhook_delivery (id, endpoint_id, event_id, event_type, payload, status, attempts, created_at)
       select gen_random_uuid(), e.id, ?, 'webhook.ping', jsonb_build_object('id', ?::text, 'type', 'webhook.ping',
           'createdAt', ?::text, 'organisationId', e.organisation_id::text, 'data', '{}'::jsonb), 'pending', 0, now()
       from webhook_endpoint e where e.id = ? returning id`,
      [eventId, eventId, at.toISOString(), endpointId],
    );
    if (!row) throw new Error(`webhook ${endpointId} not found`);
    return row.id;
  }

  private async load(id: string): Promise<DeliveryRow | null> {
    const rows = await this.sql().execute<DeliveryRow[]>(
      `select d.*, e.url, e.sealed_secret, e.enabled from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where d.id = ?`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Sends a delivery once; throws DeliveryFailed to be retried, after recording the failure. */
  async attempt(id: string, options: { last: boolean; now?: Date }): Promise<Attempt> {
    const row = await this.load(id);
    if (!row || row.status !== 'pending') return 'already-done';
    if (!row.enabled) {
      await this.sql().execute(
        `update webhook_delivery set status = 'failed', last_error = 'endpoint disabled' where id = ? and status = 'pending'`,
        [id],
      );
      return 'endpoint-disabled';
    }
    const outcome = await this.post(row, options.now ?? new Date());
    if (outcome.ok) {
      await this.sql().execute(
        `update webhook_delivery set status = 'delivered', attempts = attempts + 1, last_status_code = ?, last_error = null,
           last_attempt_at = now(), delivered_at = now() where id = ?`,
        [outcome.status, id],
      );
      await this.sql().execute('update webhook_endpoint set failures_in_row = 0 where id = ? and failures_in_row > 0', [row.endpoint_id]);
      return 'delivered';
    }
    await this.sql().execute(
      `update webhook_delivery set attempts = attempts + 1, last_status_code = ?, last_error = ?, last_attempt_at = now(),
         status = case when ? then 'failed' else status end where id = ?`,
      [outcome.status ?? null, outcome.error.slice(0, 255), options.last, id],
    );
    if (options.last) await this.countFailure(row.endpoint_id);
    throw new DeliveryFailed(`webhook delivery ${id}: ${outcome.error}`);
  }

  private async post(row: DeliveryRow, now: Date): Promise<{ ok: true; status: number } | { ok: false; status?: number; error: string }> {
    const body = JSON.stringify(row.payload);
    try {
      await checkWebhookTarget(row.url, this.deps.allowPrivate);
      const response = await fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'evcms-webhooks/1',
          'evcms-event': row.event_type,
          'evcms-delivery': row.id,
          [signatureHeader]: sign(this.deps.box.open(row.sealed_secret), body, now),
        },
        body,
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `answered HTTP ${response.status}` };
    } catch (error) {
      const e = error as Error;
      return { ok: false, error: e.name === 'TimeoutError' ? 'no answer in time' : e.message || 'request failed' };
    }
  }

  private async countFailure(endpointId: string): Promise<void> {
    const limit = this.deps.disableAfter ?? 20;
    const [row] = await this.sql().execute<{ failures_in_row: number; enabled: boolean }[]>(
      `update webhook_endpoint set failures_in_row = failures_in_row + 1,
         enabled = case when failures_in_row + 1 >= ? then false else enabled end,
         disabled_reason = case when failures_in_row + 1 >= ? and enabled then ? else disabled_reason end
       where id = ? returning failures_in_row, enabled`,
      [limit, limit, `disabled after ${limit} failed deliveries in a row`, endpointId],
    );
    if (row && !row.enabled && row.failures_in_row === limit)
      this.deps.log.warn({ webhook: endpointId, failures: limit }, 'webhooks: endpoint disabled after repeated failures');
  }

  /** Deliveries still pending that were written more than `olderThanMs` ago: what a lost job left behind. */
  async stale(olderThanMs: number, limit = 500): Promise<string[]> {
    const rows = await this.sql().execute<{ id: string }[]>(
      `select id from webhook_delivery where status = 'pending' and created_at < now() - make_interval(secs => ?) order by created_at limit ?`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((r) => r.id);
  }

  async list(endpointId: string, limit: number): Promise<DeliveryView[]> {
    const rows = await this.sql().execute<DeliveryRow[]>(
      `select d.*, e.url, '' as sealed_secret, e.enabled from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
       where d.endpoint_id = ? order by d.created_at desc, d.id limit ?`,
      [endpointId, limit],
    );
    return rows.map(view);
  }
}
