import { describe, expect, it } from 'vitest';
import { priceSession } from './price-session.js';
import { aSession, aTariff, anElement, energy, time } from './test-builders.js';

/** Time-of-day, date and weekday restrictions, read on the site's local clock. */

const dayAndNight = aTariff({
  elements: [anElement([energy('0.30')], { startTime: '08:00', endTime: '20:00' }), anElement([energy('0.10')])],
});
const nightBand = aTariff({ elements: [anElement([time('1.00')], { startTime: '22:00', endTime: '06:00' }), anElement([time('3.00')])] });

const startsAndElements = (priced: ReturnType<typeof priceSession>, type: 'ENERGY' | 'TIME') =>
  priced.chargingPeriods.map((period) => [period.startAt.toISOString(), period.elementIndex[type]]);

describe('time-of-day bands', () => {
  it.each([
    // [from, minutes, Wh, excl. minor, why]
    ['2026-05-04T19:00:00Z', 120, 20_000, 400, '10 kWh before 20:00 at 0.30 + 10 kWh after at 0.10'],
    ['2026-05-04T20:00:00Z', 60, 10_000, 100, 'starting on the end time: all at 0.10 (end exclusive)'],
    ['2026-05-04T07:00:00Z', 60, 10_000, 100, 'stopping on the start time: all at 0.10'],
    ['2026-05-04T08:00:00Z', 60, 10_000, 300, 'starting on the start time: all at 0.30 (start inclusive)'],
    ['2026-05-04T07:59:00Z', 2, 2_000, 40, '1 kWh at 0.10 + 1 kWh at 0.30'],
  ])('from %s for %i min and %i Wh costs %i: %s', (from, minutes, wh, excl) => {
    expect(priceSession(dayAndNight, aSession(from, minutes, wh)).totals.exclTaxMinor).toBe(excl);
  });

  it('cuts a period exactly where a band opens and closes', () => {
    const priced = priceSession(dayAndNight, aSession('2026-05-04T06:00:00Z', 16 * 60, 16_000));
    expect(startsAndElements(priced, 'ENERGY')).toEqual([
      ['2026-05-04T06:00:00.000Z', 1],
      ['2026-05-04T08:00:00.000Z', 0],
      ['2026-05-04T20:00:00.000Z', 1],
    ]);
    // 2 kWh x 0.10 + 12 kWh x 0.30 + 2 kWh x 0.10 = 0.20 + 3.60 + 0.20.
    expect(priced.totals.exclTaxMinor).toBe(400);
  });

  it('wraps a band past midnight: 23:00 to 07:00 is 7 h of 22:00-06:00 and 1 h after', () => {
    // 7 h x 1.00 + 1 h x 3.00 = 10.00.
    const priced = priceSession(nightBand, aSession('2026-05-04T23:00:00Z', 8 * 60, 8_000));
    expect(startsAndElements(priced, 'TIME')).toEqual([
      ['2026-05-04T23:00:00.000Z', 0],
      ['2026-05-05T06:00:00.000Z', 1],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(1000);
  });

  it('reads the band on the local clock: 22:00 in Kigali is 20:00 UTC', () => {
    // 19:00Z-20:00Z is 21:00-22:00 local (3.00), 20:00Z-22:00Z is 22:00-00:00 local (1.00): 3.00 + 2.00.
    const priced = priceSession(nightBand, aSession('2026-05-04T19:00:00Z', 180, 3_000, { timeZone: 'Africa/Kigali' }));
    expect(priced.chargingPeriods[1]!.startAt.toISOString()).toBe('2026-05-04T20:00:00.000Z');
    expect(priced.totals.exclTaxMinor).toBe(500);
  });
});

describe('DST in Europe/Paris', () => {
  const paris = { timeZone: 'Europe/Paris' };

  it('the night of 28-29 March 2026 has a 7-hour 22:00-06:00 band (clocks go forward)', () => {
    // 20:00Z = 21:00 CET. Band: 22:00 CET (21:00Z) to 06:00 CEST (04:00Z) = 7 h x 1.00; 1 h before + 1 h after x 3.00.
    const priced = priceSession(nightBand, aSession('2026-03-28T20:00:00Z', 9 * 60, 9_000, paris));
    expect(startsAndElements(priced, 'TIME')).toEqual([
      ['2026-03-28T20:00:00.000Z', 1],
      ['2026-03-28T21:00:00.000Z', 0],
      ['2026-03-29T04:00:00.000Z', 1],
    ]);
    expect(priced.lines.map((line) => line.quantity)).toEqual([3600 * 2, 3600 * 7]);
    expect(priced.totals.exclTaxMinor).toBe(1300);
  });

  it('the night of 24-25 October 2026 has a 9-hour 22:00-06:00 band (clocks go back)', () => {
    // 19:00Z = 21:00 CEST. Band: 22:00 CEST (20:00Z) to 06:00 CET (05:00Z) = 9 h x 1.00; 2 h x 3.00 around it.
    const priced = priceSession(nightBand, aSession('2026-10-24T19:00:00Z', 11 * 60, 11_000, paris));
    expect(startsAndElements(priced, 'TIME')).toEqual([
      ['2026-10-24T19:00:00.000Z', 1],
      ['2026-10-24T20:00:00.000Z', 0],
      ['2026-10-25T05:00:00.000Z', 1],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(1500);
  });

  it('a band opening inside the skipped hour opens when the clocks jump', () => {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z, so "02:30"-"04:00" runs 01:00Z-02:00Z: 1 h at 6.00.
    const tariff = aTariff({ elements: [anElement([time('6.00')], { startTime: '02:30', endTime: '04:00' }), anElement([time('0')])] });
    const priced = priceSession(tariff, aSession('2026-03-29T00:00:00Z', 180, 3_000, paris));
    expect(startsAndElements(priced, 'TIME')).toEqual([
      ['2026-03-29T00:00:00.000Z', 1],
      ['2026-03-29T01:00:00.000Z', 0],
      ['2026-03-29T02:00:00.000Z', 1],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(600);
  });

  it('a band inside the repeated hour applies twice on the night clocks go back', () => {
    // 02:15-02:45 local happens at 00:15Z-00:45Z (CEST) and again at 01:15Z-01:45Z (CET): 1 h at 6.00, 1 h at 0.
    const tariff = aTariff({ elements: [anElement([time('6.00')], { startTime: '02:15', endTime: '02:45' }), anElement([time('0')])] });
    const priced = priceSession(tariff, aSession('2026-10-25T00:00:00Z', 120, 2_000, paris));
    expect(startsAndElements(priced, 'TIME').filter(([, element]) => element === 0)).toEqual([
      ['2026-10-25T00:15:00.000Z', 0],
      ['2026-10-25T01:15:00.000Z', 0],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(600);
  });
});

describe('weekdays and dates', () => {
  const weekend = aTariff({ elements: [anElement([energy('0.20')], { dayOfWeek: ['SATURDAY', 'SUNDAY'] }), anElement([energy('0.40')])] });

  it('changes weekday at local midnight: Friday 23:00 to Saturday 01:00 in Paris', () => {
    // 2026-12-04 is a Friday; local midnight is 23:00Z. 1 kWh x 0.40 + 1 kWh x 0.20.
    const priced = priceSession(weekend, aSession('2026-12-04T22:00:00Z', 120, 2_000, { timeZone: 'Europe/Paris' }));
    expect(startsAndElements(priced, 'ENERGY')).toEqual([
      ['2026-12-04T22:00:00.000Z', 1],
      ['2026-12-04T23:00:00.000Z', 0],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(60);
  });

  it('ends a promotion on its end date (exclusive), at local midnight', () => {
    // Kigali is UTC+2: 21:30Z-22:00Z is 30 June (0.20), 22:00Z-22:30Z is 1 July (0.30): 0.10 + 0.15.
    const promotion = aTariff({
      elements: [anElement([energy('0.20')], { startDate: '2026-06-01', endDate: '2026-07-01' }), anElement([energy('0.30')])],
    });
    const priced = priceSession(promotion, aSession('2026-06-30T21:30:00Z', 60, 1_000, { timeZone: 'Africa/Kigali' }));
    expect(priced.totals.exclTaxMinor).toBe(25);
  });
});
