import { describe, expect, it } from 'vitest';
import { priceSession } from './price-session.js';
import { aTariff, anElement, chargeThenPark, energy, minutesAfter, parking, readingsSession } from './test-builders.js';

/** Restrictions on the session so far (energy, duration) and on the moment (power, current). */

const START = '2026-05-04T10:00:00Z';

describe('kWh bands', () => {
  const firstTen = aTariff({ elements: [anElement([energy('0.30')], { maxKwh: 10 }), anElement([energy('0.20')])] });

  it('prices the first 10 kWh at 0.30 and the rest at 0.20, cutting where the 10 000th Wh is reached', () => {
    // Readings: 7 kWh at 30 min, 12 kWh at 60 min; 10 kWh is reached 3/5 into the second half hour: 48 min.
    // 10 x 0.30 + 2 x 0.20 = 3.40.
    const priced = priceSession(
      firstTen,
      readingsSession(START, [
        [0, 0],
        [30, 7_000],
        [60, 12_000],
      ]),
    );
    expect(priced.chargingPeriods.map((period) => period.startAt)).toEqual([new Date(START), minutesAfter(START, 48)]);
    expect(priced.lines.map((line) => line.quantity)).toEqual([10_000, 2_000]);
    expect(priced.totals.exclTaxMinor).toBe(340);
  });

  it('cuts on the threshold even when it falls between two seconds', () => {
    // 1 kWh over 7 s: 10 000 Wh is passed between seconds; the first band still gets exactly 10 000 Wh.
    const priced = priceSession(
      firstTen,
      readingsSession(START, [
        [0, 0],
        [1, 9_990],
        [1 + 7 / 60, 10_990],
      ]),
    );
    expect(priced.lines.map((line) => line.quantity)).toEqual([10_000, 990]);
  });

  it('opens a band at minKwh: the first kWh free, then 0.20', () => {
    const tariff = aTariff({
      elements: [anElement([energy('0')], { maxKwh: 1 }), anElement([energy('0.20')], { minKwh: 1 }), anElement([energy('1')])],
    });
    // 19 kWh x 0.20 = 3.80.
    expect(
      priceSession(
        tariff,
        readingsSession(START, [
          [0, 0],
          [60, 20_000],
        ]),
      ).totals.exclTaxMinor,
    ).toBe(380);
  });
});

describe('power and current bands', () => {
  const slowIsCheap = aTariff({ elements: [anElement([energy('0.20')], { maxPower: 11 }), anElement([energy('0.40')])] });

  it('derives power from the register when the station reports none: 7 kW, then 22 kW', () => {
    // 7 kWh in 1 h (7 kW, under 11) x 0.20 + 11 kWh in 30 min (22 kW) x 0.40 = 1.40 + 4.40.
    const priced = priceSession(
      slowIsCheap,
      readingsSession(START, [
        [0, 0],
        [60, 7_000],
        [90, 18_000],
      ]),
    );
    expect(priced.chargingPeriods.map((period) => period.elementIndex.ENERGY)).toEqual([0, 1]);
    expect(priced.totals.exclTaxMinor).toBe(580);
  });

  it('uses the reported power while it lasts, and cuts only where the outcome moves', () => {
    // 6, 9 kW (both under 11: one period), then 15 kW: 2 kWh x 0.20 + 2 kWh x 0.40 = 1.20.
    const priced = priceSession(
      slowIsCheap,
      readingsSession(START, [
        [0, 0, 6000],
        [10, 1_000, 9000],
        [20, 2_000, 15_000],
        [28, 4_000, 15_000],
      ]),
    );
    expect(priced.chargingPeriods.map((period) => period.startAt)).toEqual([new Date(START), minutesAfter(START, 20)]);
    expect(priced.chargingPeriods[1]!.dimensions).toContainEqual({ type: 'MAX_POWER', volume: 15_000 });
    expect(priced.totals.exclTaxMinor).toBe(120);
  });

  it('does not apply a current band when the station reports no current', () => {
    const tariff = aTariff({ elements: [anElement([energy('0.10')], { maxCurrent: 16 }), anElement([energy('0.50')])] });
    const withCurrent = readingsSession(START, [
      [0, 0, 3000, 13],
      [60, 3_000, 3000, 13],
    ]);
    const without = readingsSession(START, [
      [0, 0],
      [60, 3_000],
    ]);
    expect(priceSession(tariff, withCurrent).totals.exclTaxMinor).toBe(30);
    expect(priceSession(tariff, without).totals.exclTaxMinor).toBe(150);
  });
});

describe('duration bands', () => {
  it('prices parking by the session duration: free for the first hour, 2.00/h to 3 h, then 3.00/h', () => {
    // OCPI "first hour free" shape. Charging 0-60 min (20 kWh: 1 free + 19 x 0.20 = 3.80), parking 60-225 min:
    // 60-180 min = 2 h x 2.00 = 4.00, 180-225 min = 0.75 h x 3.00 = 2.25; total 10.05.
    const tariff = aTariff({
      elements: [
        anElement([energy('0')], { maxKwh: 1 }),
        anElement([energy('0.20')]),
        anElement([parking('0', 60)], { maxDuration: 3600 }),
        anElement([parking('2.00', 60)], { minDuration: 3600, maxDuration: 10_800 }),
        anElement([parking('3.00', 60)], { minDuration: 10_800 }),
      ],
    });
    const priced = priceSession(tariff, chargeThenPark(START, 60, 165, 20_000));
    expect(priced.lines.map((line) => [line.component, line.elementIndex, line.quantity, line.exclTaxMinor])).toEqual([
      ['ENERGY', 0, 1_000, 0],
      ['ENERGY', 1, 19_000, 380],
      ['PARKING_TIME', 3, 7_200, 400],
      ['PARKING_TIME', 4, 2_700, 225],
    ]);
    expect(priced.totals).toMatchObject({ exclTaxMinor: 1005, timeSeconds: 3600, parkingSeconds: 9900 });
  });
});

describe('the meter', () => {
  it('reads readings in time order and never lets the register go back', () => {
    // Sorted: 0, 4 kWh at 30 min, 3 kWh (read as 4) at 45 min, 6 kWh at 60 min: 6 kWh x 0.25 = 1.50.
    const session = readingsSession(START, [
      [0, 0],
      [30, 4_000],
      [45, 3_000],
      [60, 6_000],
    ]);
    const shuffled = { ...session, readings: [session.readings[2]!, session.readings[0]!, session.readings[3]!, session.readings[1]!] };
    const priced = priceSession(aTariff(), shuffled);
    expect(priced.totals).toMatchObject({ energyWh: 6_000, exclTaxMinor: 150 });
    expect(priced.chargingPeriods[0]!.dimensions[0]).toEqual({ type: 'ENERGY', volume: 6_000 });
  });
});
