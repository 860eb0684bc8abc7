import { describe, expect, it } from 'vitest';
import { isCurrency, minorUnits } from './currency.js';

const AFRICAN = [
  'DZD',
  'AOA',
  'XOF',
  'BWP',
  'BIF',
  'CVE',
  'XAF',
  'KMF',
  'CDF',
  'DJF',
  'EGP',
  'ERN',
  'SZL',
  'ETB',
  'GMD',
  'GHS',
  'GNF',
  'KES',
  'LSL',
  'LRD',
  'LYD',
  'MGA',
  'MWK',
  'MRU',
  'MUR',
  'MAD',
  'MZN',
  'NAD',
  'NGN',
  'RWF',
  'STN',
  'SCR',
  'SLE',
  'SOS',
  'ZAR',
  'SSP',
  'SDG',
  'TZS',
  'TND',
  'UGX',
  'ZMW',
  'ZWG',
];

describe('currencies', () => {
  it.each([
    ['RWF', 0],
    ['JPY', 0],
    ['KRW', 0],
    ['XOF', 0],
    ['XAF', 0],
    ['UGX', 0],
    ['EUR', 2],
    ['USD', 2],
    ['KES', 2],
    ['BHD', 3],
    ['KWD', 3],
    ['JOD', 3],
    ['OMR', 3],
    ['TND', 3],
  ])('%s has %i minor digits', (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
  });

  it('knows every African currency', () => {
    expect(AFRICAN.filter((code) => !isCurrency(code))).toEqual([]);
  });

  it('refuses an unknown code and names it', () => {
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => minorUnits('XYZ')).toThrow(/XYZ/);
  });

  it('does not take object properties for currencies', () => {
    expect(isCurrency('constructor')).toBe(false);
  });
});
