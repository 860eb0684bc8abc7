import { describe, expect, it } from 'vitest';
import { IdTokenError, newAppTokenValue, normaliseTokenValue } from './id-token-values.js';

describe('credential values', () => {
  it.each([
    ['04:a1:b2:c3', '04A1B2C3'],
    ['04-A1-B2-C3-D4-E5-F6', '04A1B2C3D4E5F6'],
    [' 04 a1 b2 c3 d4 e5 f6 07 08 09 ', '04A1B2C3D4E5F6070809'],
    ['deadbeef', 'DEADBEEF'],
  ])('stores the RFID UID %j as %j', (raw, stored) => {
    expect(normaliseTokenValue('RFID', raw)).toBe(stored);
  });

  it.each([['04A1B2'], ['04A1B2C3D4'], ['04A1B2C3D4E5F60708091011'], ['04G1B2C3'], ['']])(
    'refuses %j as an RFID UID (4, 7 or 10 bytes of hex)',
    (raw) => {
      expect(() => normaliseTokenValue('RFID', raw)).toThrow(IdTokenError);
      expect(() => normaliseTokenValue('RFID', raw)).toThrow(/^value: an RFID UID is 4, 7 or 10 bytes/);
    },
  );

  it('keeps other credentials as given, trimmed, up to the 20 characters of an OCPP 1.6 idTag', () => {
    expect(normaliseTokenValue('APP', ' app-user-7 ')).toBe('app-user-7');
    expect(normaliseTokenValue('EMAID', 'RW-EVC-C12345678-X')).toBe('RW-EVC-C12345678-X');
    expect(() => normaliseTokenValue('CENTRAL', 'x'.repeat(21))).toThrow(/1 to 20 printable characters/);
    expect(() => normaliseTokenValue('KEY_CODE', 'two words')).toThrow(IdTokenError);
  });

  it('gives app credentials "APP" and 16 upper-case hex digits, different each time', () => {
    const [a, b] = [newAppTokenValue(), newAppTokenValue()];
    expect(a).toMatch(/^APP[0-9A-F]{16}$/);
    expect(a).not.toBe(b);
  });
});
