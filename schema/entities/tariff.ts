import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';

/** A price list. Money is in integer minor units of an ISO 4217 currency (RWF has no minor unit). */
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
    energyPriceMinorPerKwh: p.integer().default(0),
    timePriceMinorPerHour: p.integer().default(0),
    sessionFeeMinor: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Tariff extends TariffSchema.class {}
TariffSchema.setClass(Tariff);
