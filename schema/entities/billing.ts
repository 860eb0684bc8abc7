import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { PricedSession, TariffDefinition } from '../../billing/tariff-model.js';
import { ChargingSession } from './charging-session.js';
import { IdToken } from './id-token.js';
import { Organisation } from './organisation.js';
import { Site } from './site.js';
import { Station } from './station.js';
import { User } from './user.js';

/** A price list of an organisation; what it charges is in its versions, the newest in force winning. */
export const TariffSchema = defineEntity({
  name: 'Tariff',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    name: p.string(),
    currency: p.string().length(3),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Tariff extends TariffSchema.class {}
TariffSchema.setClass(Tariff);

/**
 * One version of a tariff, immutable: a change is a new version. A session is priced with the version in
 * force when it started (the newest whose window holds that instant), recorded on the session.
 */
export const TariffVersionSchema = defineEntity({
  name: 'TariffVersion',
  uniques: [{ properties: ['tariff', 'version'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    tariff: () => p.manyToOne(Tariff),
    version: p.integer(),
    definition: p.json<TariffDefinition>(),
    validFrom: p.datetime(),
    validTo: p.datetime().nullable(),
    createdBy: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class TariffVersion extends TariffVersionSchema.class {}
TariffVersionSchema.setClass(TariffVersion);

/**
 * Where a tariff applies: an organisation's stations, a site, a station, or one connector of it (the most
 * specific wins), optionally only for a driver group (the members of a parent credential).
 */
export const TariffAssignmentSchema = defineEntity({
  name: 'TariffAssignment',
  indexes: [{ properties: ['organisation'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    tariff: () => p.manyToOne(Tariff).deleteRule('cascade'),
    organisation: () => p.manyToOne(Organisation),
    site: () => p.manyToOne(Site).nullable(),
    station: () => p.manyToOne(Station).nullable(),
    connectorId: p.integer().nullable(),
    /** Only for credentials in this group (a parent credential). */
    group: () => p.manyToOne(IdToken).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class TariffAssignment extends TariffAssignmentSchema.class {}
TariffAssignmentSchema.setClass(TariffAssignment);

export const invoiceKinds = ['invoice', 'credit_note'] as const;
export const invoiceStatuses = ['open', 'paid', 'void'] as const;

/**
 * A bill for a session (or a credit note correcting one), never edited once issued. Numbers are gap-free per
 * issuing organisation (invoice_counter, locked in the invoice's transaction). `priced` is what pricing
 * said, lines and totals, as issued.
 */
export const InvoiceSchema = defineEntity({
  name: 'Invoice',
  uniques: [{ properties: ['organisation', 'number'] }],
  indexes: [
    { properties: ['payerUser', 'issuedAt'] },
    { properties: ['organisation', 'issuedAt'] },
    // One invoice per session, whoever bills it and however often: a retried job finds it.
    {
      name: 'invoice_session_unique',
      expression: `create unique index "invoice_session_unique" on "invoice" ("session_id") where "kind" = 'invoice'`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation),
    number: p.string(),
    kind: p.enum(invoiceKinds).default('invoice'),
    /** The session billed; one invoice per session (credit notes name theirs through `creditOf`). */
    session: () => p.manyToOne(ChargingSession).nullable(),
    creditOf: () => p.manyToOne(Invoice).nullable(),
    payerUser: () => p.manyToOne(User).nullable(),
    payerOrganisation: () => p.manyToOne(Organisation).nullable(),
    currency: p.string().length(3),
    exclTaxMinor: p.bigint('number'),
    taxMinor: p.bigint('number'),
    inclTaxMinor: p.bigint('number'),
    priced: p.json<PricedSession | null>().nullable(),
    tariffVersion: () => p.manyToOne(TariffVersion).nullable(),
    status: p.enum(invoiceStatuses).default('open'),
    issuedAt: p.datetime(),
    dueAt: p.datetime(),
    paidAt: p.datetime().nullable(),
    reason: p.string().nullable(),
  },
});
export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);

/** The next invoice number of an organisation: a row locked by the invoice's transaction, so numbers have no gaps. */
export const InvoiceCounterSchema = defineEntity({
  name: 'InvoiceCounter',
  properties: {
    organisation: () => p.manyToOne(Organisation).primary(),
    next: p.integer().default(1),
  },
});
export class InvoiceCounter extends InvoiceCounterSchema.class {}
InvoiceCounterSchema.setClass(InvoiceCounter);
