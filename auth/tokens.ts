import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = encode({ alg: 'HS256', typ: 'JWT' });

/** Short-lived JWT access tokens (HS256, key derived from SECRET_KEY). */
export function createTokenSigner(secretKey: string, ttlSeconds = 15 * 60) {
  const key = createHmac('sha256', secretKey).update('evcms access tokens v1').digest();
  const signature = (input: string) => createHmac('sha256', key).update(input).digest();
  return {
    ttlSeconds,
    sign(
      subject: { id: string; role: UserRole; organisationId: string | null },
      now = Date.now(),
    ): { token: string; claims: AccessClaims } {
      const iat = Math.floor(now / 1000);
      const claims: AccessClaims = {
        sub: subject.id,
        role: subject.role,
        org: subject.organisationId,
        jti: randomUUID(),
        iat,
        exp: iat + ttlSeconds,
      };
      const body = `${header}.${encode(claims)}`;
      return { token: `${body}.${signature(body).toString('base64url')}`, claims };
    },
    verify(token: string, now = Date.now()): AccessClaims {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== header) throw new TokenError('malformed');
      const expected = signature(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2] ?? '', 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('bad-signature');
      let claims: AccessClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as AccessClaims;
      } catch {
        throw new TokenError('malformed');
      }
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) throw new TokenError('expired');
      return claims;
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;
