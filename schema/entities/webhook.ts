import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';

/**
 * Where an organisation wants events sent: an HTTPS (or, where allowed, HTTP) URL, the events it wants, and
 * the secret its deliveries are signed with, kept sealed (platform/secret-box.ts): it must be read back to
 * sign, so it cannot be a hash. Disabled by hand, or by evcms after too many failed deliveries in a row.
 */
export const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoint',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    url: p.text(),
    /** Event types (webhooks/events.ts), as a JSON array. */
    events: p.json<string[]>(),
    sealedSecret: p.text(),
    description: p.string().nullable(),
    enabled: p.boolean().default(true),
    /** Deliveries given up on in a row; reset by a success. */
    failuresInRow: p.integer().default(0),
    disabledReason: p.string().nullable(),
    createdBy: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class WebhookEndpoint extends WebhookEndpointSchema.class {}
WebhookEndpointSchema.setClass(WebhookEndpoint);

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;

/** One event for one endpoint, delivered at least once: its attempts, the last answer, and when it went. */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  uniques: [{ properties: ['endpoint', 'eventId'] }],
  indexes: [{ properties: ['endpoint', 'createdAt'] }, { properties: ['status', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    endpoint: () => p.manyToOne(WebhookEndpoint).deleteRule('cascade'),
    /** The event's id, the same for every endpoint it goes to (a receiver dedupes on it). */
    eventId: p.uuid(),
    eventType: p.string(),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(webhookDeliveryStatuses).default('pending'),
    attempts: p.integer().default(0),
    lastStatusCode: p.integer().nullable(),
    lastError: p.string().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
