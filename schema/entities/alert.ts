import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { AlertThresholds } from '../../alerts/settings.js';
import { Organisation } from './organisation.js';
import { Station } from './station.js';

export const alertStates = ['open', 'acknowledged', 'resolved'] as const;
export const alertSeverities = ['critical', 'major', 'minor', 'warning'] as const;

/**
 * One problem at a station, from raised to resolved: by itself when its condition clears (resolvedBy null)
 * or by hand. One alert at most is unresolved per (station, kind, cause): the same cause never raises twice.
 */
export const AlertSchema = defineEntity({
  name: 'Alert',
  indexes: [
    { properties: ['organisation', 'raisedAt'] },
    { properties: ['station', 'raisedAt'] },
    { properties: ['state', 'kind'] },
    // One unresolved alert per cause: a sweep that finds the condition again raises nothing new.
    {
      name: 'alert_open_cause_unique',
      expression: `create unique index "alert_open_cause_unique" on "alert" ("station_id", "kind", "cause_key") where "state" <> 'resolved'`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation),
    station: () => p.manyToOne(Station),
    /** alerts/conditions.ts: station-offline, connector-faulted, boot-loop, ... */
    kind: p.string(),
    /** What within the station: `connector:2`, a session id, or '' for the station itself. */
    causeKey: p.string(),
    severity: p.enum(alertSeverities),
    state: p.enum(alertStates).default('open'),
    message: p.text(),
    details: p.json<Record<string, unknown>>().default('{}'),
    raisedAt: p.datetime(),
    acknowledgedAt: p.datetime().nullable(),
    acknowledgedBy: p.string().nullable(),
    resolvedAt: p.datetime().nullable(),
    /** Who resolved it by hand; null when it resolved itself (or is not resolved). */
    resolvedBy: p.string().nullable(),
    resolution: p.string().nullable(),
  },
});
export class Alert extends AlertSchema.class {}
AlertSchema.setClass(Alert);

/** An organisation's alert thresholds and on-call addresses; defaults (alerts/settings.ts) where absent. */
export const AlertSettingsSchema = defineEntity({
  name: 'AlertSettings',
  properties: {
    organisation: () => p.oneToOne(Organisation).primary(),
    thresholds: p.json<Partial<AlertThresholds>>().default('{}'),
    emails: p.json<string[]>().default('[]'),
    updatedBy: p.string().nullable(),
    updatedAt: p.datetime(),
  },
});
export class AlertSettings extends AlertSettingsSchema.class {}
AlertSettingsSchema.setClass(AlertSettings);
