import { describe, expect, it } from 'vitest';
import { createDeviceTokens } from './device-tokens.js';

describe('device tokens', () => {
  const devices = createDeviceTokens('a-secret-key-for-these-tests-only');

  it('are valid for the account they were issued to, and differ each time', () => {
    const token = devices.issue('account-1');
    expect(devices.isValidFor(token, 'account-1')).toBe(true);
    expect(devices.issue('account-1')).not.toBe(token);
  });

  it('are refused for another account, from another deployment, or altered', () => {
    const token = devices.issue('account-1');
    expect(devices.isValidFor(token, 'account-2')).toBe(false);
    expect(createDeviceTokens('another-deployment-secret').isValidFor(token, 'account-1')).toBe(false);
    const [id, mac] = token.split('.') as [string, string];
    expect(devices.isValidFor(`${id}x.${mac}`, 'account-1')).toBe(false);
    expect(devices.isValidFor(`${id}.${mac.slice(0, -2)}`, 'account-1')).toBe(false);
    expect(devices.isValidFor(`${token}.extra`, 'account-1')).toBe(false);
    for (const nothing of [null, undefined, '', '.', id]) expect(devices.isValidFor(nothing, 'account-1')).toBe(false);
  });
});
