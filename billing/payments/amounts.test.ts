import { describe, expect, it } from 'vitest';
import { majorText, minorFromText } from './amounts.js';

describe('amounts as providers write them', () => {
  it.each([
    [2500, 'RWF', '2500'],
    [250050, 'EUR', '2500.50'],
    [5, 'EUR', '0.05'],
    [1234, 'KWD', '1.234'],
    [0, 'USD', '0.00'],
  ])('%i minor units of %s are "%s"', (minor, currency, text) => {
    expect(majorText(minor, currency)).toBe(text);
    expect(minorFromText(text, currency)).toBe(minor);
  });

  it.each([
    ['2500.5', 'EUR', 250050],
    ['2500.000', 'RWF', 2500],
    ['7', 'EUR', 700],
  ])('reads "%s" %s as %i minor units', (text, currency, minor) => {
    expect(minorFromText(text, currency)).toBe(minor);
  });

  it.each([
    ['2500.5', 'RWF'],
    ['1.005', 'EUR'],
    ['-3', 'EUR'],
    ['1e3', 'EUR'],
    ['', 'EUR'],
  ])('refuses "%s" in %s rather than round it', (text, currency) => {
    expect(minorFromText(text, currency)).toBeNull();
  });
});
