import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

/** An operator organisation: owns sites, stations, tariffs and its staff. */
export const OrganisationSchema = defineEntity({
  name: 'Organisation',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string(),
    slug: p.string().unique(),
    /** What happens to a station that connects with an identity nobody created. */
    registrationPolicy: p.enum(['reject', 'pending'] as const).default('reject'),
    /** Drivers whose wallet with this operator holds less (minor units of walletCurrency) are refused a start; null: no minimum. */
    walletMinimumMinor: p.bigint('number').nullable(),
    walletCurrency: p.string().length(3).nullable(),
    /** What receipts print of the operator (billing/receipts/legal-details.ts): all optional until an operator sets them. */
    legalName: p.string().nullable(),
    taxId: p.string().nullable(),
    registrationNumber: p.string().nullable(),
    address: p.text().nullable(),
    email: p.string().nullable(),
    phone: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Organisation extends OrganisationSchema.class {}
OrganisationSchema.setClass(Organisation);
