import { createHash } from 'node:crypto';
import type { EventMap } from '../events/topics.js';

/** What an endpoint can ask for. `webhook.ping` is sent only by `testWebhook`. */
export const webhookEventTypes = [
  'session.started',
  'session.ended',
  'invoice.issued',
  'station.offline',
  'station.online',
  'connector.faulted',
  'alert.raised',
  'alert.resolved',
  'webhook.ping',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (webhookEventTypes as readonly string[]).includes(value);

/**
 * An event's id, derived from what it is about, so the same happening recorded twice (the live event and the
 * sweep that catches what it missed) is one delivery per endpoint. MD5 only shapes an id here; PostgreSQL
 * computes the same as `md5(<key>)::uuid`.
 */
export function eventIdOf(key: string): string {
  const hex = createHash('md5').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One event as the bus carries it, ready to deliver: its type, id, the station it is about, and the body's `data`. */
export interface WebhookEvent {
  type: WebhookEventType;
  id: string;
  stationId: string | null;
  organisationId: string | null;
  at: string;
  data: Record<string, unknown>;
}

/** The bus events webhooks are made from, and how (null: not one an endpoint can ask for, e.g. a connector Available). */
export const fromBus = {
  'session.started': (e: EventMap['session.started']): WebhookEvent => ({
    type: 'session.started',
    id: eventIdOf(`session.started:${e.sessionId}`),
    stationId: e.stationId,
    organisationId: null,
    at: e.at,
    data: {
      sessionId: e.sessionId,
      stationIdentity: e.identity,
      connectorId: e.connectorId,
      ocppTransactionId: e.transactionId,
      startedAt: e.at,
    },
  }),
  'session.ended': (e: EventMap['session.ended']): WebhookEvent => ({
    type: 'session.ended',
    id: eventIdOf(`session.ended:${e.sessionId}`),
    stationId: e.stationId,
    organisationId: null,
    at: e.at,
    data: sessionEndedData(e),
  }),
  'invoice.issued': (e: EventMap['invoice.issued']): WebhookEvent => ({
    type: 'invoice.issued',
    id: eventIdOf(`invoice.issued:${e.invoiceId}`),
    stationId: e.stationId,
    organisationId: e.organisationId,
    at: e.at,
    data: invoiceIssuedData(e),
  }),
  'station.online': (e: EventMap['station.online']): WebhookEvent => ({
    type: e.online ? 'station.online' : 'station.offline',
    id: eventIdOf(`station.${e.online ? 'online' : 'offline'}:${e.stationId}:${e.at}`),
    stationId: e.stationId,
    organisationId: null,
    at: e.at,
    data: { stationIdentity: e.identity, online: e.online, at: e.at },
  }),
  'connector.status': (e: EventMap['connector.status']): WebhookEvent | null =>
    e.status !== 'Faulted'
      ? null
      : {
          type: 'connector.faulted',
          id: eventIdOf(`connector.faulted:${e.stationId}:${e.connectorId}:${e.at}`),
          stationId: e.stationId,
          organisationId: null,
          at: e.at,
          data: {
            stationIdentity: e.identity,
            evseId: e.evseId,
            connectorId: e.connectorId,
            errorCode: e.errorCode,
            info: e.info,
            vendorErrorCode: e.vendorErrorCode,
            at: e.at,
          },
        },
  'alert.raised': (e: EventMap['alert.raised']): WebhookEvent => alertEvent('alert.raised', e),
  'alert.resolved': (e: EventMap['alert.resolved']): WebhookEvent => alertEvent('alert.resolved', e),
} satisfies { [T in keyof EventMap]?: (event: EventMap[T]) => WebhookEvent | null };

export type WebhookSourceTopic = keyof typeof fromBus;

export function sessionEndedData(e: Omit<EventMap['session.ended'], 'stationId'>): Record<string, unknown> {
  return {
    sessionId: e.sessionId,
    stationIdentity: e.identity,
    connectorId: e.connectorId,
    ocppTransactionId: e.transactionId,
    energyWh: e.energyWh,
    stopReason: e.reason,
    stoppedAt: e.at,
  };
}

export function invoiceIssuedData(e: Omit<EventMap['invoice.issued'], 'stationId' | 'organisationId'>): Record<string, unknown> {
  return {
    invoiceId: e.invoiceId,
    number: e.number,
    sessionId: e.sessionId,
    stationIdentity: e.identity,
    payerUserId: e.payerUserId,
    currency: e.currency,
    totalMinor: e.totalMinor,
    issuedAt: e.at,
  };
}

function alertEvent(type: 'alert.raised' | 'alert.resolved', e: EventMap['alert.raised']): WebhookEvent {
  return {
    type,
    id: eventIdOf(`${type}:${e.alertId}`),
    stationId: e.stationId,
    organisationId: e.organisationId,
    at: e.at,
    data: {
      alertId: e.alertId,
      stationIdentity: e.identity,
      kind: e.kind,
      causeKey: e.causeKey,
      severity: e.severity,
      message: e.message,
      details: e.details,
      ...(type === 'alert.resolved' ? { resolvedBy: e.resolvedBy } : {}),
      at: e.at,
    },
  };
}
