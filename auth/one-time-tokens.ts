import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OneTimeToken, type User } from '../schema/entities/index.js';

export type TokenPurpose = OneTimeToken['purpose'];

/** 32 random bytes, base64url: what is mailed or handed out. Only its hash is stored. */
export const randomToken = () => randomBytes(32).toString('base64url');

/** A fast hash is enough for 256-bit random tokens: nobody can guess one to test against it. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Creates a one-time token in the caller's unit of work and returns it in clear, to be mailed. */
export function issueOneTimeToken(em: EntityManager, user: User, purpose: TokenPurpose, ttlMs: number): string {
  const token = randomToken();
  em.create(OneTimeToken, { user, purpose, hash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/** The unused, unexpired token of that purpose, with its (not deleted) user; null otherwise. */
export async function findUsableToken(em: EntityManager, purpose: TokenPurpose, token: string): Promise<OneTimeToken | null> {
  if (token.length > 100) return null;
  const row = await em.findOne(OneTimeToken, { hash: hashToken(token), purpose }, { populate: ['user'] });
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now() || row.user.deletedAt) return null;
  return row;
}

/** Marks the token used; false when another request used it first. */
export async function claimToken(em: EntityManager, id: string): Promise<boolean> {
  return (await em.nativeUpdate(OneTimeToken, { id, usedAt: null }, { usedAt: new Date() })) === 1;
}
