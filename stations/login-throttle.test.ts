import { describe, expect, it } from 'vitest';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';

const limits: ThrottleLimits = { windowMs: 60_000, perPair: 3, perAddress: 5, perIdentity: 4, trustMs: 3600_000, maxEntries: 100 };

function aThrottle(overrides: Partial<ThrottleLimits> = {}) {
  const clock = { now: 1_000_000 };
  return { throttle: new LoginThrottle({ ...limits, ...overrides }, () => clock.now), clock };
}

const failTimes = (throttle: LoginThrottle, n: number, identity: string, address: string) => {
  for (let i = 0; i < n; i++) throttle.failed(identity, address);
};

describe('LoginThrottle', () => {
  it('lets attempts through until an address has used its failures for an identity', () => {
    const { throttle } = aThrottle();
    failTimes(throttle, 2, 'CP1', '10.0.0.1');
    expect(throttle.check('CP1', '10.0.0.1')).toEqual({ ok: true });
    throttle.failed('CP1', '10.0.0.1');
    expect(throttle.check('CP1', '10.0.0.1')).toEqual({ ok: false, limit: 'pair', retryAfterSeconds: 20 });
  });

  it('never counts successful logins: a storm of right passwords is never throttled', () => {
    const { throttle } = aThrottle();
    for (let i = 0; i < 1000; i++) throttle.succeeded('CP1', '10.0.0.1');
    expect(throttle.check('CP1', '10.0.0.1')).toEqual({ ok: true });
  });

  it('lets an address try again once its failures have drained', () => {
    const { throttle, clock } = aThrottle();
    failTimes(throttle, 3, 'CP1', '10.0.0.1');
    clock.now += 19_000;
    expect(throttle.check('CP1', '10.0.0.1').ok).toBe(false);
    clock.now += 1_000;
    expect(throttle.check('CP1', '10.0.0.1')).toEqual({ ok: true });
  });

  it('throttles an address that fails across many identities', () => {
    const { throttle } = aThrottle();
    for (let i = 0; i < 5; i++) throttle.failed(`CP${i}`, '10.0.0.9');
    expect(throttle.check('CP-other', '10.0.0.9')).toMatchObject({ ok: false, limit: 'address' });
    expect(throttle.check('CP-other', '10.0.0.8')).toEqual({ ok: true });
  });

  it('throttles an identity attacked from many addresses, except from an address it logged in from', () => {
    const { throttle } = aThrottle();
    throttle.succeeded('CP1', '10.0.0.1');
    for (let i = 0; i < 4; i++) throttle.failed('CP1', `192.168.0.${i}`);
    expect(throttle.check('CP1', '192.168.0.200')).toMatchObject({ ok: false, limit: 'identity' });
    expect(throttle.check('CP1', '10.0.0.1')).toEqual({ ok: true });
  });

  it('trusts an address only for a while', () => {
    const { throttle, clock } = aThrottle({ windowMs: 3600_000 * 10 });
    throttle.succeeded('CP1', '10.0.0.1');
    for (let i = 0; i < 4; i++) throttle.failed('CP1', `192.168.0.${i}`);
    clock.now += 3600_000;
    expect(throttle.check('CP1', '10.0.0.1')).toMatchObject({ ok: false, limit: 'identity' });
  });

  it('keeps a trusted address to its pair limit', () => {
    const { throttle } = aThrottle();
    throttle.succeeded('CP1', '10.0.0.1');
    failTimes(throttle, 3, 'CP1', '10.0.0.1');
    expect(throttle.check('CP1', '10.0.0.1')).toMatchObject({ ok: false, limit: 'pair' });
  });

  it('holds a bounded number of entries however many identities and addresses fail', () => {
    const { throttle } = aThrottle();
    for (let i = 0; i < 10_000; i++) throttle.failed(`CP${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBeLessThanOrEqual(4 * limits.maxEntries);
  });
});
