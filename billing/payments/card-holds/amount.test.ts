import { describe, expect, it } from 'vitest';
import { holdAmount, mustStop } from './amount.js';

describe('the hold of an ad hoc card session', () => {
  it.each([
    [{ currency: 'RWF', holdAmountMinor: 20_000 }, 20_000],
    [{ currency: 'RWF' }, 70_000],
    [{ currency: 'EUR' }, 5_000],
    [{ currency: 'BIF' }, null],
    [{ currency: 'BIF', holdAmountMinor: 100_000 }, 100_000],
  ])('of %j is %s', (tariff, expected) => {
    expect(holdAmount(tariff)).toBe(expected);
  });

  it.each([
    [{ costMinor: 899, previousMinor: null, holdMinor: 1000 }, false],
    [{ costMinor: 900, previousMinor: null, holdMinor: 1000 }, true],
    [{ costMinor: 600, previousMinor: 300, holdMinor: 1000 }, false],
    [{ costMinor: 700, previousMinor: 300, holdMinor: 1000 }, true],
    [{ costMinor: 500, previousMinor: 600, holdMinor: 1000 }, false],
  ])('stops the session at %j: %s', (check, expected) => {
    expect(mustStop(check)).toBe(expected);
  });
});
