import { describe, expect, it } from 'vitest';
import { estimatePrice } from './estimate.js';
import { aTariff, anElement, energy, flat, time } from './test-builders.js';

describe('estimatePrice', () => {
  const tariff = aTariff({
    currency: 'RWF',
    elements: [anElement([flat('500'), energy('300')], { maxPower: 22 }), anElement([flat('500'), energy('450'), time('600')])],
  });

  it('prices a constant-power session: 30 kWh over 3 h at 10 kW = 500 + 30 x 300 + 3 h x 600 (TIME only in the fallback) = 11 300 RWF', () => {
    const priced = estimatePrice(tariff, {
      startAt: new Date('2026-05-04T08:00:00Z'),
      energyWh: 30_000,
      durationMinutes: 180,
      timeZone: 'Africa/Kigali',
    });
    expect(priced.totals).toMatchObject({ exclTaxMinor: 11_300, energyWh: 30_000, timeSeconds: 10_800 });
  });

  it('uses the given power for power bands: 30 kWh in 40 min at 45 kW = 500 + 30 x 450 + 2/3 h x 600 = 14 400 RWF', () => {
    const priced = estimatePrice(tariff, {
      startAt: new Date('2026-05-04T08:00:00Z'),
      energyWh: 30_000,
      durationMinutes: 40,
      powerW: 45_000,
      timeZone: 'Africa/Kigali',
    });
    expect(priced.totals.exclTaxMinor).toBe(14_400);
  });
});
