import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verify } from './signature.js';

const secret = 'whsec-0123456789abcdefghijkl';
const at = new Date('2026-12-03T12:00:00Z');
const body = '{"id":"x","type":"session.ended"}';

describe('webhook signatures', () => {
  it('sign as HMAC-SHA-256 of "<t>.<body>" with the unix time in t', () => {
    const t = 1796299200;
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(sign(secret, body, at)).toBe(`t=${t},v1=${expected}`);
  });

  it.each([
    ['the same body and secret within the tolerance', body, secret, at.getTime() + 299_000, true],
    ['a body changed by one byte', `${body} `, secret, at.getTime(), false],
    ['another secret', body, 'another-secret-0123456789ab', at.getTime(), false],
    ['a replay after the tolerance', body, secret, at.getTime() + 301_000, false],
    ['a timestamp from the future beyond the tolerance', body, secret, at.getTime() - 301_000, false],
  ])('verify %s: %s', (_name, sent, key, now, ok) => {
    expect(verify(key, sent, sign(secret, body, at), new Date(now)).ok).toBe(ok);
  });

  it.each([
    [undefined, 'no signature header'],
    ['v1=abc', 'no timestamp in the signature header'],
    ['t=1796299200', 'no v1 signature in the signature header'],
    ['t=1796299200,v1=zz', 'no v1 signature in the signature header'],
    [`t=1796299200,v1=${'0'.repeat(64)}`, 'no signature matches'],
  ])('refuse the header %s: %s', (header, reason) => {
    expect(verify(secret, body, header, at)).toEqual({ ok: false, reason });
  });

  it('accept any one matching v1 among several (a secret being rolled)', () => {
    const good = sign(secret, body, at).split(',')[1];
    expect(verify(secret, body, `t=1796299200,v1=${'1'.repeat(64)},${good}`, at)).toEqual({ ok: true });
  });
});
