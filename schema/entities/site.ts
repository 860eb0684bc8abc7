import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';

/** A place with stations: an address, coordinates and a grid connection limit. */
export const SiteSchema = defineEntity({
  name: 'Site',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    name: p.string(),
    address: p.string().nullable(),
    city: p.string().nullable(),
    country: p.string().length(2).nullable(),
    latitude: p.double().nullable(),
    longitude: p.double().nullable(),
    gridLimitKw: p.integer().nullable(),
    timeZone: p.string().default('UTC'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Site extends SiteSchema.class {}
SiteSchema.setClass(Site);
