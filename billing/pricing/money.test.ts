import { describe, expect, it } from 'vitest';
import { fraction, parseDecimal, roundHalfUp } from './money.js';

describe('money', () => {
  it.each([
    ['0.2345', 2345n, 10000n],
    ['250', 250n, 1n],
    ['-1.5', -15n, 10n],
  ])('reads %s exactly', (text, n, d) => {
    expect(parseDecimal(text)).toEqual({ n, d });
  });

  it.each(['', '1.', '.5', '1e3', '0x10', ' 1'])('refuses %j as a decimal', (text) => {
    expect(() => parseDecimal(text)).toThrow(/decimal/);
  });

  it.each([
    [5n, 2n, 3n], // 2.5 -> 3
    [-5n, 2n, -3n], // -2.5 -> -3 (away from zero)
    [7n, 3n, 2n], // 2.333 -> 2
    [8n, 3n, 3n], // 2.667 -> 3
    [-7n, 3n, -2n],
    [1249n, 1000n, 1n], // 1.249 -> 1
    [0n, 7n, 0n],
  ])('rounds %i/%i half-up to %i', (n, d, rounded) => {
    expect(roundHalfUp(fraction(n, d))).toBe(rounded);
  });
});
