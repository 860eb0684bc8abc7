import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';

export const reportKinds = ['MONTHLY_OPERATOR', 'WEEKLY_STATION_HEALTH', 'NEVI_QUARTERLY'] as const;
export type ReportKind = (typeof reportKinds)[number];
export const reportFormats = ['CSV', 'PDF'] as const;
export type ReportFormat = (typeof reportFormats)[number];
export const reportStates = ['queued', 'running', 'done', 'failed'] as const;
export type ReportState = (typeof reportStates)[number];

/**
 * A report asked for (on demand, or by the schedule: `scheduleKey` names its organisation, kind and period, once),
 * built by the reports worker from the warehouse (reports/), its file under DATA_DIR/files (`fileKey`).
 * Organisation null: a report of the whole network (administrators').
 */
export const ReportSchema = defineEntity({
  name: 'Report',
  indexes: [{ properties: ['organisation', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).nullable(),
    kind: p.enum(reportKinds),
    format: p.enum(reportFormats),
    /** station, site, organisation or network, and the station's identity or the site's or organisation's id. */
    scopeKind: p.string(),
    scopeId: p.string().nullable(),
    timeZone: p.string(),
    periodFrom: p.datetime(),
    periodTo: p.datetime(),
    state: p.enum(reportStates).default('queued'),
    stage: p.string().default('queued'),
    percent: p.integer().default(0),
    error: p.text().nullable(),
    fileKey: p.string().nullable(),
    fileSize: p.integer().nullable(),
    /** `<organisation>:<kind>:<period start>` for a scheduled report: one per period, whoever schedules it. */
    scheduleKey: p.string().nullable().unique(),
    /** A user's id, or `schedule`. */
    requestedBy: p.string(),
    createdAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export class Report extends ReportSchema.class {}
ReportSchema.setClass(Report);

/** Who gets an organisation's reports of a kind by mail when they are done. */
export const ReportSubscriptionSchema = defineEntity({
  name: 'ReportSubscription',
  properties: {
    organisation: () => p.manyToOne(Organisation).primary(),
    kind: p.enum(reportKinds).primary(),
    emails: p.json<string[]>().default('[]'),
    updatedAt: p.datetime(),
  },
});
export class ReportSubscription extends ReportSubscriptionSchema.class {}
ReportSubscriptionSchema.setClass(ReportSubscription);
