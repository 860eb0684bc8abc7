import { describe, expect, it } from 'vitest';
import type { SessionTimeline } from '../tariff-model.js';
import { priceSession } from './price-session.js';
import { aSession, aTariff, anElement, chargeThenPark, energy, flat, minutesAfter, parking, vat } from './test-builders.js';

/** What closes a session's total: the free threshold, minimum and maximum prices, and the idle fee. */

const START = '2026-05-04T10:00:00Z';

describe('free below a threshold', () => {
  const tariff = aTariff({
    taxes: [vat('18')],
    freeBelow: { energyWh: 500, durationSeconds: 120 },
    elements: [anElement([flat('0.50'), energy('0.25')])],
  });

  it.each([
    ['too little energy', aSession(START, 10, 300)],
    ['too short', aSession(START, 1, 2_000)],
  ])('keeps every line but brings the total to 0 when %s', (_why, session) => {
    const priced = priceSession(tariff, session);
    const lines = priced.lines.reduce((sum, line) => sum + line.exclTaxMinor, 0);
    expect(lines).toBeGreaterThan(0);
    expect(priced.adjustments).toEqual([
      { reason: 'free-below-threshold', exclTaxMinor: -lines, taxMinor: -priced.lines.reduce((s, l) => s + l.taxes[0]!.amountMinor, 0) },
    ]);
    expect(priced.totals).toMatchObject({ exclTaxMinor: 0, taxMinor: 0, inclTaxMinor: 0 });
  });

  it('charges a session over both thresholds: 0.50 + 600 Wh x 0.25 = 0.65', () => {
    const priced = priceSession(tariff, aSession(START, 10, 600));
    expect(priced.adjustments).toEqual([]);
    expect(priced.totals.exclTaxMinor).toBe(65);
  });

  it('wins over a minimum price', () => {
    const priced = priceSession({ ...tariff, minPriceMinor: 500 }, aSession(START, 10, 300));
    expect(priced.adjustments.map((adjustment) => adjustment.reason)).toEqual(['free-below-threshold']);
    expect(priced.totals.inclTaxMinor).toBe(0);
  });
});

describe('minimum and maximum price', () => {
  const tariff = aTariff({ taxes: [vat('20')], minPriceMinor: 100, maxPriceMinor: 1000, elements: [anElement([energy('0.25')])] });

  it.each([
    // [Wh, lines excl., adjustment excl., adjustment tax, total excl., total incl.]
    [2_000, 50, 50, 10, 100, 120], // 0.50 raised to 1.00; 20% of 0.50 = 0.10
    [10_000, 250, 0, 0, 250, 300], // within the bounds
    [60_000, 1500, -500, -100, 1000, 1200], // 15.00 lowered to 10.00
  ])('%i Wh: lines %i, adjustment %i (tax %i), total %i excl. and %i incl.', (wh, lines, adjustment, adjustmentTax, excl, incl) => {
    const priced = priceSession(tariff, aSession(START, 120, wh));
    expect(priced.lines[0]!.exclTaxMinor).toBe(lines);
    expect(priced.adjustments.reduce((sum, a) => sum + a.exclTaxMinor, 0)).toBe(adjustment);
    expect(priced.adjustments.reduce((sum, a) => sum + a.taxMinor, 0)).toBe(adjustmentTax);
    expect(priced.totals).toMatchObject({ exclTaxMinor: excl, inclTaxMinor: incl });
  });
});

describe('idle fee', () => {
  const tariff = aTariff({ idleFee: { price: '6.00', graceMinutes: 15, stepSize: 60 }, elements: [anElement([energy('0.25')])] });

  it('charges the time after charging stopped, once the grace period is over: 45 min x 6.00/h = 4.50', () => {
    // Charging 10:00-11:00 (10 kWh = 2.50), plugged in until 12:00; idle from 11:15.
    const priced = priceSession(tariff, chargeThenPark(START, 60, 60, 10_000));
    expect(priced.lines.at(-1)).toMatchObject({ component: 'IDLE', elementIndex: null, quantity: 2700, exclTaxMinor: 450 });
    expect(priced.totals).toMatchObject({ exclTaxMinor: 700, timeSeconds: 3600, parkingSeconds: 3600, idleSeconds: 2700 });
    expect(priced.chargingPeriods.map((period) => period.startAt)).toEqual([
      new Date(START),
      minutesAfter(START, 60),
      minutesAfter(START, 75),
    ]);
  });

  it('charges nothing when the driver leaves within the grace period', () => {
    const priced = priceSession(tariff, chargeThenPark(START, 60, 10, 10_000));
    expect(priced.lines.map((line) => line.component)).toEqual(['ENERGY']);
    expect(priced.totals.idleSeconds).toBe(0);
  });

  it('counts only the time after the last charging interval: a pause between two charges is not idle', () => {
    // Charging 10:00-10:30 and 10:40-11:00, stop 11:30, grace 10 min: idle 11:10-11:30 = 20 min, per 15 min -> 30 min x 6.00/h.
    const session: SessionTimeline = {
      ...chargeThenPark(START, 60, 30, 10_000),
      charging: [
        { from: new Date(START), to: minutesAfter(START, 30) },
        { from: minutesAfter(START, 40), to: minutesAfter(START, 60) },
      ],
    };
    const idle = { price: '6.00', graceMinutes: 10, stepSize: 900, taxes: [vat('16')] };
    const priced = priceSession({ ...tariff, idleFee: idle }, session);
    expect(priced.lines.at(-1)).toMatchObject({
      component: 'IDLE',
      quantity: 1200,
      billedQuantity: 1800,
      exclTaxMinor: 300,
      inclTaxMinor: 348,
    });
    expect(priced.totals).toMatchObject({ parkingSeconds: 40 * 60, idleSeconds: 20 * 60 });
  });

  it('is charged on top of parking time', () => {
    // Parking 1 h x 1.00 = 1.00; idle 45 min x 6.00 = 4.50; energy 2.50.
    const withParking = { ...tariff, elements: [anElement([energy('0.25'), parking('1.00')])] };
    expect(priceSession(withParking, chargeThenPark(START, 60, 60, 10_000)).totals.exclTaxMinor).toBe(800);
  });
});
