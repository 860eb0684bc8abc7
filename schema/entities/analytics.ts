import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { Station } from './station.js';

/** Why an outage does not count against uptime (23 CFR 680.116(b)(2): outside the operator's control, or planned). */
export const exclusionCauses = ['utility-outage', 'vandalism', 'planned-maintenance', 'outside-operating-hours'] as const;
export type ExclusionCause = (typeof exclusionCauses)[number];

/**
 * A period an operator excluded from a port's uptime, with its cause. connectorId 0: every port of the
 * station. Copied to the warehouse (analytics/exclusions.ts), where uptime is computed.
 */
export const OutageExclusionSchema = defineEntity({
  name: 'OutageExclusion',
  indexes: [{ properties: ['station', 'startedAt'] }, { properties: ['recordedAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation),
    station: () => p.manyToOne(Station),
    connectorId: p.integer().default(0),
    cause: p.enum(exclusionCauses),
    startedAt: p.datetime(),
    endedAt: p.datetime(),
    note: p.string().nullable(),
    recordedBy: p.string(),
    recordedAt: p.datetime(),
  },
});
export class OutageExclusion extends OutageExclusionSchema.class {}
OutageExclusionSchema.setClass(OutageExclusion);
