import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { User } from './user.js';

/** A refresh token (stored hashed). Rotated on use; reusing a rotated one revokes its whole family. */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  indexes: [{ properties: ['family'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).index(),
    family: p.uuid(),
    hash: p.string().unique().hidden(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    replacedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);

/** A partner's API key: shown once, stored as a keyed hash, found by its visible prefix. */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    name: p.string(),
    prefix: p.string().unique(),
    salt: p.string().hidden(),
    hash: p.string().hidden(),
    scopes: p.json<string[]>(),
    createdBy: () => p.manyToOne(User).nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

/** A one-time token sent by email (confirm the address, reset the password); stored hashed. */
export const OneTimeTokenSchema = defineEntity({
  name: 'OneTimeToken',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).index(),
    purpose: p.enum(['confirm-email', 'reset-password'] as const),
    hash: p.string().unique().hidden(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class OneTimeToken extends OneTimeTokenSchema.class {}
OneTimeTokenSchema.setClass(OneTimeToken);

/** Mail waiting to be sent by the mail worker (the outbox: written in the same unit of work as its cause). */
export const EmailOutboxSchema = defineEntity({
  name: 'EmailOutbox',
  indexes: [{ properties: ['sentAt', 'createdAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    to: p.string(),
    template: p.string(),
    /** Template values; secrets in here are sent once and erased after sending. */
    data: p.json<Record<string, string>>(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class EmailOutbox extends EmailOutboxSchema.class {}
EmailOutboxSchema.setClass(EmailOutbox);

/** Every authorization decision about a credential: what, where, the answer and why. */
export const AuthDecisionSchema = defineEntity({
  name: 'AuthDecision',
  indexes: [{ properties: ['idTag', 'decidedAt'] }, { properties: ['decidedAt'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    idTag: p.string(),
    stationId: p.uuid().nullable(),
    purpose: p.string(),
    status: p.string(),
    reason: p.string(),
    decidedAt: p.datetime(),
  },
});
export class AuthDecision extends AuthDecisionSchema.class {}
AuthDecisionSchema.setClass(AuthDecision);
