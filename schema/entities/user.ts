import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';

export const roles = ['ADMIN', 'OPERATOR', 'PARTNER', 'DRIVER'] as const;
export type UserRole = (typeof roles)[number];

/** A person who logs in: platform admin, operator staff or driver. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    email: p.string().unique(),
    passwordHash: p.string().hidden(),
    name: p.string().nullable(),
    phone: p.string().nullable(),
    language: p.string().length(8).default('en'),
    role: p.enum(roles),
    organisation: () => p.manyToOne(Organisation).nullable().index(),
    emailVerifiedAt: p.datetime().nullable(),
    deletedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
