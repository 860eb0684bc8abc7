import { describe, expect, it } from 'vitest';
import type { TariffDefinition } from '../tariff-model.js';
import { aTariff, anElement, energy, time } from './test-builders.js';
import { validateTariff } from './validate.js';

/** A tariff with `change` applied, as unknown input (what an API would hand over). */
function tariffWith(change: (tariff: TariffDefinition) => void): unknown {
  const tariff = structuredClone(
    aTariff({ elements: [anElement([time('1.00')], { startTime: '08:00', endTime: '20:00' }), anElement([energy('0.25')])] }),
  );
  change(tariff);
  return tariff;
}

function errorsOf(input: unknown) {
  const result = validateTariff(input);
  if (result.ok) throw new Error('expected the tariff to be refused');
  return result.errors;
}

describe('validateTariff', () => {
  it('accepts a good tariff and hands it back typed', () => {
    const result = validateTariff(tariffWith(() => {}));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['an unknown currency', (t: TariffDefinition) => (t.currency = 'XYZ'), 'currency', /unknown currency "XYZ"/],
    [
      'a negative price',
      (t: TariffDefinition) => (t.elements[1]!.priceComponents[0]!.price = '-0.25'),
      'elements.1.priceComponents.0.price',
      /price must not be negative/,
    ],
    [
      'a price that is not a decimal string',
      (t: TariffDefinition) => (t.elements[1]!.priceComponents[0]!.price = '0,25'),
      'elements.1.priceComponents.0.price',
      /price must be a decimal string/,
    ],
    [
      'a number for a price',
      (t: TariffDefinition) => Object.assign(t.elements[1]!.priceComponents[0]!, { price: 0.25 }),
      'elements.1.priceComponents.0.price',
      /price must be a decimal string/,
    ],
    [
      'a step size under 1',
      (t: TariffDefinition) => (t.elements[1]!.priceComponents[0]!.stepSize = 0),
      'elements.1.priceComponents.0.stepSize',
      /stepSize must be at least 1/,
    ],
    [
      'a fractional step size',
      (t: TariffDefinition) => (t.elements[1]!.priceComponents[0]!.stepSize = 1.5),
      'elements.1.priceComponents.0.stepSize',
      /whole number/,
    ],
    [
      'a bad HH:MM',
      (t: TariffDefinition) => (t.elements[0]!.restrictions!.startTime = '24:00'),
      'elements.0.restrictions.startTime',
      /startTime must be "HH:MM"/,
    ],
    [
      'a bad date',
      (t: TariffDefinition) => (t.elements[0]!.restrictions!.startDate = '2026-13-01'),
      'elements.0.restrictions.startDate',
      /YYYY-MM-DD/,
    ],
    ['no elements', (t: TariffDefinition) => (t.elements = []), 'elements', /at least one element/],
    [
      'an element without components',
      (t: TariffDefinition) => (t.elements[0]!.priceComponents = []),
      'elements.0.priceComponents',
      /at least one price component/,
    ],
    [
      'a negative tax rate',
      (t: TariffDefinition) => (t.taxes = [{ type: 'VAT', ratePercent: '-5' }]),
      'taxes.0.ratePercent',
      /ratePercent must not be negative/,
    ],
    [
      'an empty weekday list',
      (t: TariffDefinition) => (t.elements[0]!.restrictions!.dayOfWeek = []),
      'elements.0.restrictions.dayOfWeek',
      /at least one day/,
    ],
    ['a negative minimum price', (t: TariffDefinition) => (t.minPriceMinor = -1), 'minPriceMinor', /minPriceMinor must not be negative/],
  ])('refuses %s', (_what, change, path, message) => {
    expect(errorsOf(tariffWith(change))).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each([
    [
      'startDate on or after endDate',
      { startDate: '2026-07-01', endDate: '2026-07-01' },
      'elements.0.restrictions.endDate',
      /startDate \(2026-07-01\) must be before endDate/,
    ],
    ['minKwh above maxKwh', { minKwh: 20, maxKwh: 10 }, 'elements.0.restrictions.minKwh', /minKwh \(20\) must be less than maxKwh \(10\)/],
    ['minKwh equal to maxKwh (never matches)', { minKwh: 10, maxKwh: 10 }, 'elements.0.restrictions.minKwh', /could never match/],
    ['minPower above maxPower', { minPower: 50, maxPower: 22 }, 'elements.0.restrictions.minPower', /minPower/],
    ['minDuration above maxDuration', { minDuration: 7200, maxDuration: 3600 }, 'elements.0.restrictions.minDuration', /minDuration/],
    [
      'startTime equal to endTime',
      { startTime: '08:00', endTime: '08:00' },
      'elements.0.restrictions.endTime',
      /both 08:00: the element could never match/,
    ],
  ])('refuses %s', (_what, restrictions, path, message) => {
    const input = tariffWith((t) => (t.elements[0]!.restrictions = restrictions));
    expect(errorsOf(input)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('requires the last element to have no restrictions, so that every moment is priced', () => {
    const input = tariffWith((t) => (t.elements[1]!.restrictions = { dayOfWeek: ['MONDAY'] }));
    expect(errorsOf(input)).toEqual([
      { path: 'elements.1.restrictions', message: expect.stringMatching(/last element must have no restrictions/) },
    ]);
  });

  it('accepts an empty restrictions object on the last element', () => {
    expect(validateTariff(tariffWith((t) => (t.elements[1]!.restrictions = {}))).ok).toBe(true);
  });

  it('refuses a minimum price above the maximum', () => {
    const input = tariffWith((t) => Object.assign(t, { minPriceMinor: 500, maxPriceMinor: 100 }));
    expect(errorsOf(input)).toContainEqual({ path: 'minPriceMinor', message: expect.stringMatching(/must not exceed maxPriceMinor/) });
  });

  it('reports every problem at once', () => {
    const input = tariffWith((t) => {
      t.currency = 'XYZ';
      t.elements[1]!.priceComponents[0]!.stepSize = 0;
    });
    expect(errorsOf(input).map((error) => error.path)).toEqual(['currency', 'elements.1.priceComponents.0.stepSize']);
  });

  it('refuses what is not a tariff at all', () => {
    expect(errorsOf(null)).toHaveLength(1);
    expect(errorsOf({}).map((error) => error.path)).toContain('elements');
  });
});
