import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { User } from './user.js';

export const idTokenTypes = ['RFID', 'APP', 'CENTRAL', 'EMAID', 'KEY_CODE'] as const;
export type IdTokenType = (typeof idTokenTypes)[number];
export const idTokenStatuses = ['Accepted', 'Blocked', 'Expired'] as const;
export type IdTokenStatus = (typeof idTokenStatuses)[number];

/** A credential a driver charges with: an OCPP idTag (1.6) or idToken (2.0.1). */
export const IdTokenSchema = defineEntity({
  name: 'IdToken',
  // OCPP idTags are case-insensitive (CiString20Type): a station's "abc" finds the stored "ABC" through this index.
  indexes: [{ name: 'id_token_lower_value_index', expression: 'create index "id_token_lower_value_index" on "id_token" (lower("value"))' }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    value: p.string().unique(),
    type: p.enum(idTokenTypes),
    status: p.enum(idTokenStatuses).default('Accepted'),
    expiresAt: p.datetime().nullable(),
    parent: () => p.manyToOne(IdToken).nullable(),
    owner: () => p.manyToOne(User).nullable().index(),
    organisation: () => p.manyToOne(Organisation).nullable().index(),
    maxConcurrent: p.integer().default(1),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class IdToken extends IdTokenSchema.class {}
IdTokenSchema.setClass(IdToken);
