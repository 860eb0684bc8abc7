import { describe, expect, it } from 'vitest';
import { drillFaulted, parseFaultDrill } from './fault-drill.js';

describe('a fault drill', () => {
  const drill = { firstMs: 30_000, forMs: 300_000, everyMs: 900_000 };
  it.each([
    [0, false],
    [29_999, false],
    [30_000, true],
    [329_999, true],
    [330_000, false],
    [929_999, false],
    [930_000, true],
  ])('at %i ms is faulted: %s', (elapsed, faulted) => {
    expect(drillFaulted(drill, elapsed)).toBe(faulted);
  });

  it('is read from FIRST:FOR:EVERY in seconds, and refused otherwise', () => {
    expect(parseFaultDrill('30:300:900')).toEqual(drill);
    expect(parseFaultDrill('30:300')).toBeNull();
    expect(parseFaultDrill('30:0:900')).toBeNull();
    expect(parseFaultDrill('30:300:100')).toBeNull();
    expect(parseFaultDrill('a:b:c')).toBeNull();
  });
});
