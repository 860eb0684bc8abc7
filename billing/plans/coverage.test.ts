import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceSession } from '../pricing/index.js';
import { aSession, aTariff, anElement, energy, flat, vat } from '../pricing/test-builders.js';
import type { PricedSession } from '../tariff-model.js';
import { coverSession, type PlanTerms } from './coverage.js';

const terms = (overrides: Partial<PlanTerms> = {}): PlanTerms => ({
  planId: 'plan-1',
  name: 'Commuter',
  subscriptionId: 'sub-1',
  periodStart: new Date('2026-12-01T00:00:00Z'),
  currency: 'RWF',
  energyLeftWh: 2000,
  discountPercent: null,
  ...overrides,
});

// 300 RWF/kWh, VAT 18% included; a 5 kWh session costs 1500.
const perKwh = aTariff({ currency: 'RWF', pricesIncludeTax: true, taxes: [vat('18')], elements: [anElement([energy('300')])] });
const fiveKwh = priceSession(perKwh, aSession('2026-12-03T10:00:00Z', 60, 5000));

const sumOf = (priced: PricedSession) => priced.lines.reduce((sum, line) => sum + line.inclTaxMinor, 0);
const adjusted = (priced: PricedSession) => priced.adjustments.reduce((sum, a) => sum + a.exclTaxMinor + a.taxMinor, 0);

describe("a session under a driver's plan", () => {
  it.each([
    // [energy left Wh, discount, total incl. tax, energy used Wh, energy minor, discount minor]
    [2000, null, 900, 2000, 600, 0],
    [0, null, 1500, 0, 0, 0],
    [9000, null, 0, 5000, 1500, 0],
    [2000, '10', 810, 2000, 600, 90],
    [0, '12.5', 1312, 0, 0, 188],
    [5000, '100', 0, 5000, 1500, 0],
  ])('with %i Wh left and a discount of %s costs %i (%i Wh used: %i off, %i discount)', (left, discount, total, used, off, less) => {
    const covered = coverSession(fiveKwh, terms({ energyLeftWh: left, discountPercent: discount }));
    expect(covered.totals.inclTaxMinor).toBe(total);
    expect(covered.plan).toMatchObject({ energyWh: used, energyMinor: off, discountMinor: less, energyLeftWh: left });
    expect(covered.totals.exclTaxMinor + covered.totals.taxMinor).toBe(covered.totals.inclTaxMinor);
    expect(sumOf(covered) + adjusted(covered)).toBe(covered.totals.inclTaxMinor);
  });

  it('uses the included energy in the order the energy was used, at the price it was used at', () => {
    // 300 RWF/kWh before 18:00, 400 after; 2 kWh each side of 18:00.
    const timeOfDay = aTariff({
      currency: 'RWF',
      pricesIncludeTax: true,
      taxes: [vat('18')],
      elements: [anElement([energy('400')], { startTime: '18:00', endTime: '22:00' }), anElement([energy('300')])],
    });
    const priced = priceSession(timeOfDay, aSession('2026-12-03T17:30:00Z', 60, 4000));
    expect(priced.totals.inclTaxMinor).toBe(1400);
    const covered = coverSession(priced, terms({ energyLeftWh: 3000 }));
    expect(covered.plan?.energyMinor).toBe(600 + 400);
    expect(covered.totals.inclTaxMinor).toBe(400);
  });

  it('shows what it covered as adjustments, tax and all, and leaves the lines as priced', () => {
    const covered = coverSession(fiveKwh, terms({ discountPercent: '10' }));
    expect(covered.lines).toEqual(fiveKwh.lines);
    expect(covered.adjustments.map((a) => a.reason)).toEqual(['plan-included-energy', 'plan-discount']);
    const [energyOff] = covered.adjustments;
    // 600 RWF with VAT: 508 + 92.
    expect(energyOff).toEqual({ reason: 'plan-included-energy', exclTaxMinor: -508, taxMinor: -92 });
  });

  it("leaves alone a session that costs nothing, or one priced in another currency than the plan's", () => {
    const tooShort = priceSession({ ...perKwh, freeBelow: { energyWh: 200 } }, aSession('2026-12-03T10:00:00Z', 1, 100));
    expect(coverSession(tooShort, terms())).toBe(tooShort);
    expect(coverSession(fiveKwh, terms({ currency: 'EUR' }))).toBe(fiveKwh);
  });

  it('never takes off more than the session costs, nor uses more energy than is left or was billed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 80_000 }),
        fc.constantFrom(null, '5', '10', '33.3333', '100'),
        fc.constantFrom('0', '150', '999'),
        fc.constantFrom('120', '301', '0.5'),
        fc.constantFrom(1, 100, 1000),
        (sessionWh, leftWh, discount, flatPrice, kwhPrice, stepSize) => {
          const tariff = aTariff({
            currency: 'RWF',
            pricesIncludeTax: true,
            taxes: [vat('18')],
            maxPriceMinor: 20_000,
            elements: [anElement([flat(flatPrice)]), anElement([energy(kwhPrice, stepSize)])],
          });
          const priced = priceSession(tariff, aSession('2026-12-03T10:00:00Z', 90, sessionWh));
          const covered = coverSession(priced, terms({ energyLeftWh: leftWh, discountPercent: discount }));
          expect(covered.totals.inclTaxMinor).toBeGreaterThanOrEqual(0);
          expect(covered.totals.inclTaxMinor).toBeLessThanOrEqual(priced.totals.inclTaxMinor);
          expect(covered.totals.taxMinor).toBeGreaterThanOrEqual(0);
          expect(covered.totals.exclTaxMinor + covered.totals.taxMinor).toBe(covered.totals.inclTaxMinor);
          expect(sumOf(covered) + adjusted(covered)).toBe(covered.totals.inclTaxMinor);
          const used = covered.plan?.energyWh ?? 0;
          expect(used).toBeLessThanOrEqual(leftWh);
          const billedWh = priced.lines.filter((l) => l.component === 'ENERGY').reduce((sum, l) => sum + l.billedQuantity, 0);
          expect(used).toBeLessThanOrEqual(Math.round(billedWh));
          // More energy left never costs more.
          const more = coverSession(priced, terms({ energyLeftWh: leftWh + 1000, discountPercent: discount }));
          expect(more.totals.inclTaxMinor).toBeLessThanOrEqual(covered.totals.inclTaxMinor);
        },
      ),
    );
  });
});
