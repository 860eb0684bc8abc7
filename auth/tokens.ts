import { createHmac, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { UserRole } from '../schema/entities/index.js';

/** What an access token says about its bearer. */
export interface AccessClaims {
  sub: string;
  role: UserRole;
  org: string | null;
  jti: string;
  iat: number;
  exp: number;
}

export class TokenError extends Error {
  constructor(readonly reason: 'malformed' | 'bad-signature' | 'expired') {
    super(reason === 'expired' ? 'the access token has expired' : 'the access token is not valid');
  }
}

const segment = /^[A-Za-z0-9_-]+$/;

/**
 * The compact form, strictly: three base64url segments, no padding, each in its one canonical
 * spelling. jose decodes leniently (a trailing `=` or unused low bits in the last character pass), so
 * one token could be spelt several ways; those spellings would slip past a revocation list or a cache keyed by the token.
 */
export function isCanonicalCompact(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((part) => segment.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part);
}

const roles: readonly string[] = ['ADMIN', 'OPERATOR', 'DRIVER', 'PARTNER'] satisfies UserRole[];

function asClaims(payload: Record<string, unknown>): AccessClaims {
  const { sub, role, org, jti, iat, exp } = payload;
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number')
    throw new TokenError('malformed');
  if (typeof role !== 'string' || !roles.includes(role) || (org !== null && typeof org !== 'string')) throw new TokenError('malformed');
  return { sub, role: role as UserRole, org, jti, iat, exp };
}

/** Short-lived JWT access tokens (HS256, key derived from SECRET_KEY), signed and verified with jose. */
export function createTokenSigner(secretKey: string, ttlSeconds = 15 * 60) {
  const key = createHmac('sha256', secretKey).update('evcms access tokens v1').digest();
  return {
    ttlSeconds,
    async sign(
      subject: { id: string; role: UserRole; organisationId: string | null },
      now = Date.now(),
    ): Promise<{ token: string; claims: AccessClaims }> {
      const iat = Math.floor(now / 1000);
      const claims: AccessClaims = {
        sub: subject.id,
        role: subject.role,
        org: subject.organisationId,
        jti: randomUUID(),
        iat,
        exp: iat + ttlSeconds,
      };
      const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
      return { token, claims };
    },
    /** The claims of a valid token; TokenError otherwise (any deviation from what `sign` writes is refused). */
    async verify(token: string, now = Date.now()): Promise<AccessClaims> {
      if (token.length > 4096 || !isCanonicalCompact(token)) throw new TokenError('malformed');
      try {
        const { payload, protectedHeader } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          typ: 'JWT',
          currentDate: new Date(now),
          clockTolerance: 0,
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        });
        if (Object.keys(protectedHeader).some((name) => name !== 'alg' && name !== 'typ')) throw new TokenError('malformed');
        return asClaims(payload);
      } catch (error) {
        if (error instanceof TokenError) throw error;
        if (error instanceof errors.JWTExpired) throw new TokenError('expired');
        if (error instanceof errors.JWSSignatureVerificationFailed) throw new TokenError('bad-signature');
        throw new TokenError('malformed');
      }
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;
