import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDecimal, formatDuration, formatEnergy, formatMoney } from './format.js';

const nbsp = (text: string) => text.replaceAll(' ', '\u00a0');
/** A duration as written: a no-break space between each number and its unit, a plain one between the parts. */
const units = (text: string) => text.replace(/(\d) /g, '$1\u00a0');

describe('money on a receipt', () => {
  it.each([
    [1180, 'RWF', 'en', '1,180 RWF'],
    [1180, 'RWF', 'fr', '1 180 RWF'],
    [1180, 'RWF', 'rw', '1.180 RWF'],
    [1_234_567, 'RWF', 'en', '1,234,567 RWF'],
    [0, 'RWF', 'en', '0 RWF'],
    [123_456, 'EUR', 'en', '1,234.56 EUR'],
    [123_456, 'EUR', 'fr', '1 234,56 EUR'],
    [123_456, 'EUR', 'rw', '1.234,56 EUR'],
    [5, 'EUR', 'en', '0.05 EUR'],
    [-250, 'EUR', 'en', '-2.50 EUR'],
    [1_234_567, 'KWD', 'en', '1,234.567 KWD'],
    [7, 'KWD', 'fr', '0,007 KWD'],
    [999_999, 'JPY', 'en', '999,999 JPY'],
  ] as const)('writes %i %s in %s as %s, with the currency’s own decimals', (minor, currency, language, expected) => {
    expect(formatMoney(minor, currency, language)).toBe(nbsp(expected));
  });

  it('refuses a fraction of a minor unit and a currency it does not know', () => {
    expect(() => formatMoney(1.5, 'RWF', 'en')).toThrow(/whole number of minor units/);
    expect(() => formatMoney(100, 'XYZ', 'en')).toThrow(/unknown currency "XYZ"/);
  });
});

describe('numbers, energy and durations on a receipt', () => {
  it.each([
    ['0.2345', 'en', '0.2345'],
    ['0.2345', 'fr', '0,2345'],
    ['1234.5', 'rw', '1.234,5'],
    ['300', 'fr', '300'],
    ['12000', 'fr', '12 000'],
  ] as const)('writes the price %s in %s as %s, every digit kept', (text, language, expected) => {
    expect(formatDecimal(text, language)).toBe(nbsp(expected));
  });

  it('refuses what is not a decimal', () => {
    expect(() => formatDecimal('1e3', 'en')).toThrow(/not a decimal number/);
  });

  it.each([
    [12_345, 'en', '12.345 kWh'],
    [12_345.4, 'fr', '12,345 kWh'],
    [999, 'en', '0.999 kWh'],
    [1_234_500, 'en', '1,234.500 kWh'],
  ] as const)('writes %d Wh in %s as %s', (wh, language, expected) => {
    expect(formatEnergy(wh, language)).toBe(nbsp(expected));
  });

  it.each([
    [42, '42 s'],
    [247, '4 min 07 s'],
    [3900, '1 h 05 min'],
    [3930, '1 h 05 min 30 s'],
    [0, '0 s'],
    [-5, '0 s'],
  ])('writes %d seconds as %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(units(expected));
  });
});

describe('times on a receipt', () => {
  it('prints the site’s wall clock with its offset, daylight saving included', () => {
    expect(formatDateTime(new Date('2026-12-03T10:00:00Z'), 'Africa/Kigali')).toBe('2026-12-03 12:00 (UTC+02:00)');
    expect(formatDateTime(new Date('2026-07-01T10:00:00Z'), 'Europe/Paris')).toBe('2026-07-01 12:00 (UTC+02:00)');
    expect(formatDateTime(new Date('2026-12-01T10:00:00Z'), 'Europe/Paris')).toBe('2026-12-01 11:00 (UTC+01:00)');
    expect(formatDateTime(new Date('2026-12-01T02:30:00Z'), 'America/St_Johns')).toBe('2026-11-30 23:00 (UTC-03:30)');
    expect(formatDateTime(new Date('2026-12-01T02:30:00Z'), 'UTC')).toBe('2026-12-01 02:30 (UTC+00:00)');
  });

  it('prints the site’s day', () => {
    expect(formatDate(new Date('2026-12-03T23:30:00Z'), 'Africa/Kigali')).toBe('2026-12-04');
    expect(formatDate(new Date('2026-12-03T23:30:00Z'), 'UTC')).toBe('2026-12-03');
  });
});
