import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { Station } from './station.js';

/** requested → accepted (the station agreed) → uploading → uploaded; or rejected / failed (the deadline passed, the upload failed). */
export const diagnosticsStates = ['requested', 'accepted', 'uploading', 'uploaded', 'rejected', 'failed'] as const;
export type DiagnosticsState = (typeof diagnosticsStates)[number];

/**
 * One diagnostics (GetDiagnostics) or log (GetLog, 1.6 security extension) upload asked of a station, and the
 * file it sent to the location evcms gave it. The upload token is one-time: kept hashed, spent by the first upload.
 */
export const DiagnosticsRequestSchema = defineEntity({
  name: 'DiagnosticsRequest',
  tableName: 'diagnostics_request',
  indexes: [{ properties: ['station', 'requestedAt'] }, { properties: ['state', 'deadline'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    station: () => p.manyToOne(Station),
    organisation: () => p.manyToOne(Organisation).nullable().index(),
    /** GetDiagnostics, or GetLog with its logType (DiagnosticsLog, SecurityLog) and requestId. */
    kind: p.string(),
    logRequestId: p.integer().nullable(),
    state: p.enum(diagnosticsStates).default('requested'),
    /** sha256 of the upload token (the token itself is only in the location the station was given). */
    tokenHash: p.string().length(64).unique(),
    /** When the token was used: it opens one upload only. */
    tokenSpentAt: p.datetime().nullable(),
    startTime: p.datetime().nullable(),
    stopTime: p.datetime().nullable(),
    requestedBy: p.string().nullable(),
    requestedAt: p.datetime(),
    /** No file by then: failed. */
    deadline: p.datetime(),
    /** The last status the station reported (DiagnosticsStatusNotification / LogStatusNotification). */
    stationStatus: p.string().nullable(),
    reason: p.text().nullable(),
    fileName: p.string().nullable(),
    size: p.bigint('number').nullable(),
    sha256: p.string().length(64).nullable(),
    storageKey: p.text().nullable(),
    uploadedAt: p.datetime().nullable(),
    /** The file is removed then (DIAGNOSTICS_RETENTION_DAYS after the upload). */
    keepUntil: p.datetime().nullable(),
  },
});
export class DiagnosticsRequest extends DiagnosticsRequestSchema.class {}
DiagnosticsRequestSchema.setClass(DiagnosticsRequest);
