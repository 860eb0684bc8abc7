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

  it.each([
    ['e0:04:01:00:12:34:56:78', 'E004010012345678'],
    ['0123456789abcdef', '0123456789ABCDEF'],
    ['04a1b2', '04A1B2'],
  ])('stores the 8-byte (ISO 15693, FeliCa) or other even-length UID %j as %j', (raw, stored) => {
    expect(normaliseTokenValue('RFID', raw)).toBe(stored);
  });

  it.each([['04A1B2C3D4E'], ['04G1B2C3'], ['TAG 0042'], ['x!y']])(
    'keeps the RFID value %j that is no even-length hex UID as given (a charger may send any CiString20)',
    (raw) => {
      expect(normaliseTokenValue('RFID', raw)).toBe(raw);
    },
  );

  it.each([['04A1B2C3D4E5F60708091011'], [''], ['x'.repeat(21)], ['tab\there']])('refuses %j as an RFID value', (raw) => {
    expect(() => normaliseTokenValue('RFID', raw)).toThrow(IdTokenError);
    expect(() => normaliseTokenValue('RFID', raw)).toThrow(/^value: expected 1 to 20 printable characters/);
  });

  it('gives app credentials "APP" and 16 upper-case hex digits, different each time', () => {
    const [a, b] = [newAppTokenValue(), newAppTokenValue()];
    expect(a).toMatch(/^APP[0-9A-F]{16}$/);
    expect(a).not.toBe(b);
  });
});
