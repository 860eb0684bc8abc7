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
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Organisation extends OrganisationSchema.class {}
OrganisationSchema.setClass(Organisation);
