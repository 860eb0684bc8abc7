import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feeWithTax, prorate } from './proration.js';

const vat18 = [{ type: 'VAT', ratePercent: '18' }];
const period = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') }; // 30 days
const at = (days: number) => new Date(period.start.getTime() + days * 86_400_000);
const paid = (feeMinor: number, includedWh: number) => ({
  feeMinor,
  taxMinor: feeWithTax(feeMinor, vat18).taxMinor,
  planIncludedWh: includedWh,
  periodIncludedWh: includedWh,
});

describe('a plan fee with its tax', () => {
  it.each([
    [11_800, vat18, 1800],
    [3000, vat18, 458],
    [1000, [], 0],
    [0, vat18, 0],
  ])('takes the tax out of %i, tax included: %o gives %i', (fee, taxes, tax) => {
    expect(feeWithTax(fee, taxes)).toEqual({ inclMinor: fee, taxMinor: tax });
  });
});

describe('a plan change, prorated', () => {
  it.each([
    // [days in, old fee, new fee, credit, charge, net]
    [15, 3000, 6000, 1500, 3000, 1500],
    [15, 6000, 3000, 3000, 1500, -1500],
    [0, 3000, 6000, 3000, 6000, 3000],
    [30, 3000, 6000, 0, 0, 0],
    [10, 1000, 2000, 667, 1333, 666],
  ])('%i days into 30, from %i to %i: %i back, %i charged, %i net', (days, from, to, credit, charge, net) => {
    const result = prorate({ period, at: at(days), current: paid(from, 0), next: { feeMinor: to, taxes: vat18, includedWh: 0 } });
    expect([result.credit.inclMinor, result.charge.inclMinor, result.net.inclMinor]).toEqual([credit, charge, net]);
  });

  it("swaps the current plan's energy for the time left for the new plan's", () => {
    const result = prorate({
      period,
      at: at(10),
      current: paid(3000, 3000),
      next: { feeMinor: 6000, taxes: vat18, includedWh: 9000 },
    });
    // 3000 - 3000 x 20/30 + 9000 x 20/30 = 1000 + 6000.
    expect(result.includedWh).toBe(7000);
    expect(result.remainingSeconds).toBe(20 * 86_400);
  });

  it('two changes in one period give what one change to the last plan at the second instant gives, after the first', () => {
    const first = prorate({ period, at: at(10), current: paid(3000, 3000), next: { feeMinor: 6000, taxes: vat18, includedWh: 9000 } });
    const second = prorate({
      period,
      at: at(20),
      current: { ...paid(6000, 9000), periodIncludedWh: first.includedWh },
      next: { feeMinor: 3000, taxes: vat18, includedWh: 3000 },
    });
    // 10 days of each plan: 1000 + 3000 + 1000 Wh.
    expect(second.includedWh).toBe(5000);
    expect(first.net.inclMinor + second.net.inclMinor).toBe(4000 - 2000 + 1000 - 2000);
  });

  it('in integer minor units, never more back than was paid, the tax never more than the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 30 * 86_400 }),
        fc.constantFrom([], vat18, [{ type: 'VAT', ratePercent: '5.5' }]),
        (from, to, secondsIn, taxes) => {
          const result = prorate({
            period,
            at: new Date(period.start.getTime() + secondsIn * 1000),
            current: { feeMinor: from, taxMinor: feeWithTax(from, taxes).taxMinor, planIncludedWh: 1000, periodIncludedWh: 1000 },
            next: { feeMinor: to, taxes, includedWh: 5000 },
          });
          for (const part of [result.credit, result.charge, result.net]) {
            expect(Number.isSafeInteger(part.inclMinor) && Number.isSafeInteger(part.taxMinor)).toBe(true);
          }
          expect(result.credit.inclMinor).toBeLessThanOrEqual(from);
          expect(result.charge.inclMinor).toBeLessThanOrEqual(to);
          expect(Math.abs(result.credit.taxMinor)).toBeLessThanOrEqual(result.credit.inclMinor);
          expect(result.charge.taxMinor).toBeLessThanOrEqual(result.charge.inclMinor);
          expect(result.net.inclMinor).toBe(result.charge.inclMinor - result.credit.inclMinor);
          expect(result.includedWh).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
