import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenSigner, TokenError } from './tokens.js';

const signer = createTokenSigner('a-secret-key-for-these-tests-only');
const subject = { id: 'user-1', role: 'DRIVER' as const, organisationId: null };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token whose header and payload are as given, signed with the signer's own key (derived as tokens.ts derives it). */
function forged(header: unknown, payload: unknown, secretKey = 'a-secret-key-for-these-tests-only') {
  const key = createHmac('sha256', secretKey).update('evcms access tokens v1').digest();
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const refused = async (token: string) => {
  await expect(async () => signer.verify(token)).rejects.toBeInstanceOf(TokenError);
};

describe('access tokens', () => {
  it('accepts a token it signed and gives back its claims', async () => {
    const { token, claims } = await signer.sign(subject);
    expect(await signer.verify(token)).toEqual(claims);
  });

  it("refuses a good token with '=' or '==' appended to any part", async () => {
    const { token } = await signer.sign(subject);
    const parts = token.split('.');
    for (const padding of ['=', '=='])
      for (let i = 0; i < 3; i++) await refused(parts.map((part, j) => (j === i ? part + padding : part)).join('.'));
  });

  it('refuses a good token whose last signature character has its unused low bits set', async () => {
    const { token } = await signer.sign(subject);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) as string);
    const respelt = `${token.slice(0, -1)}${alphabet[last ^ 0b01]}`; // 32 bytes leave 2 unused bits in the 43rd character
    await refused(respelt);
    expect(Buffer.from(respelt.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(token.split('.')[2] as string, 'base64url'));
  });

  it('refuses a changed header, even one signed with the right key', async () => {
    const { token, claims } = await signer.sign(subject);
    await refused(forged({ alg: 'HS256', typ: 'JWT', kid: 'other' }, claims));
    await refused(forged({ alg: 'HS256', typ: 'at+jwt' }, claims));
    await refused(`${b64({ alg: 'HS512', typ: 'JWT' })}.${token.split('.').slice(1).join('.')}`);
  });

  it("refuses alg 'none'", async () => {
    const { claims } = await signer.sign(subject);
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`);
  });

  it('refuses a token with one bit of its signature flipped', async () => {
    const { token } = await signer.sign(subject);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(signature, 'base64url');
    for (const bit of [0, 7, 8 * bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      await refused(`${header}.${payload}.${flipped.toString('base64url')}`);
    }
  });

  it('refuses an expired token, saying so', async () => {
    const { token } = await signer.sign(subject, Date.now() - 3600_000);
    await expect(async () => signer.verify(token)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses a token signed with another key', async () => {
    const { token } = await createTokenSigner('another-deployment-secret-key').sign(subject);
    await refused(token);
    const { claims } = await signer.sign(subject);
    await refused(forged({ alg: 'HS256', typ: 'JWT' }, claims, 'another-deployment-secret-key'));
  });
});
