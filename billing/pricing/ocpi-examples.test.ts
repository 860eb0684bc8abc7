import { describe, expect, it } from 'vitest';
import type { TariffDefinition } from '../tariff-model.js';
import { priceSession } from './price-session.js';
import {
  aSession,
  aTariff,
  anElement,
  chargeThenPark,
  energy,
  flat,
  minutesAfter,
  parking,
  readingsSession,
  time,
  vat,
} from './test-builders.js';

/** The worked examples of OCPI 2.2.1's Tariffs module (mod_tariffs), priced by evcms. */

const totals = (tariff: TariffDefinition, session: Parameters<typeof priceSession>[1]) => {
  const { exclTaxMinor, inclTaxMinor } = priceSession(tariff, session).totals;
  return { exclTaxMinor, inclTaxMinor };
};

const energyAndStart = aTariff({ elements: [anElement([flat('0.50', [vat('20')]), energy('0.25', 1, [vat('10')])])] });

describe('OCPI 2.2.1 tariff examples', () => {
  it('Simple Tariff 0.25 euro per kWh: 20 kWh cost 5.00 excl. and 5.50 incl. 10% VAT', () => {
    const tariff = aTariff({ taxes: [vat('10')], elements: [anElement([energy('0.25')])] });
    expect(totals(tariff, aSession('2026-05-04T10:00:00Z', 120, 20_000))).toEqual({ exclTaxMinor: 500, inclTaxMinor: 550 });
  });

  it('0.25 euro per kWh + start fee: 20 kWh cost 5.50 excl. and 6.10 incl. (0.50 + 20%, 5.00 + 10%)', () => {
    expect(totals(energyAndStart, aSession('2026-05-04T10:00:00Z', 120, 20_000))).toEqual({ exclTaxMinor: 550, inclTaxMinor: 610 });
  });

  it('0.25 euro per kWh + minimum price 0.50: 1.2 kWh cost 0.50 excl. and 0.55 incl.', () => {
    // Energy 1.2 x 0.25 = 0.30 (+0.03 VAT); the min-price adjustment adds 0.20 (+0.02 VAT, the tariff's 10%).
    const tariff = aTariff({ taxes: [vat('10')], minPriceMinor: 50, elements: [anElement([energy('0.25')])] });
    const priced = priceSession(tariff, aSession('2026-05-04T10:00:00Z', 10, 1_200));
    expect(priced.adjustments).toEqual([{ reason: 'min-price', exclTaxMinor: 20, taxMinor: 2 }]);
    expect(priced.totals).toMatchObject({ exclTaxMinor: 50, taxMinor: 5, inclTaxMinor: 55 });
  });

  it('0.25 euro per kWh + parking fee + start fee: 20 kWh and 40 min parked cost 7.00 excl. and 7.90 incl.', () => {
    // Start 0.50 (+0.10); energy 5.00 (+0.50); parking 40 min billed per 15 min = 45 min x 2.00/h = 1.50 (+0.30).
    const tariff = aTariff({
      elements: [anElement([flat('0.50', [vat('20')]), energy('0.25', 1, [vat('10')]), parking('2.00', 900, [vat('20')])])],
    });
    const priced = priceSession(tariff, chargeThenPark('2026-05-04T10:00:00Z', 120, 40, 20_000));
    expect(priced.lines.find((line) => line.component === 'PARKING_TIME')).toMatchObject({ quantity: 2400, billedQuantity: 2700 });
    expect(priced.totals).toMatchObject({ exclTaxMinor: 700, inclTaxMinor: 790 });
  });

  it('0.25 euro per kWh + start fee + max price 10.00: 30 kWh cost 8.00 excl. and 8.85 incl., 50 kWh are capped', () => {
    const tariff = { ...energyAndStart, taxes: [vat('10')], maxPriceMinor: 1000 };
    expect(totals(tariff, aSession('2026-05-04T10:00:00Z', 180, 30_000))).toEqual({ exclTaxMinor: 800, inclTaxMinor: 885 });
    // 50 kWh: 0.50 + 12.50 = 13.00 excl. (tax 0.10 + 1.25); the max-price adjustment is -3.00 with the tariff's 10%: -0.30.
    // evcms caps the total excl. tax only: 10.00 excl., 1.05 tax, 11.05 incl. (OCPI would also cap incl. VAT at 11.00).
    const priced = priceSession(tariff, aSession('2026-05-04T10:00:00Z', 300, 50_000));
    expect(priced.adjustments).toEqual([{ reason: 'max-price', exclTaxMinor: -300, taxMinor: -30 }]);
    expect(priced.totals).toMatchObject({ exclTaxMinor: 1000, taxMinor: 105, inclTaxMinor: 1105 });
  });

  it('Simple Tariff 2 euro per hour: 2.5 hours of charging cost 5.00 excl. and 5.50 incl.', () => {
    const tariff = aTariff({ taxes: [vat('10')], elements: [anElement([time('2.00', 60)])] });
    expect(totals(tariff, aSession('2026-05-04T10:00:00Z', 150, 20_000))).toEqual({ exclTaxMinor: 500, inclTaxMinor: 550 });
  });

  it('3 euro per hour, 5 euro per hour parking: 150 min charging + 42 min parked cost 11.25 excl. and 12.75 incl.', () => {
    // 2.5 h x 3.00 = 7.50 (+0.75); 42 min billed per 5 min = 45 min x 5.00/h = 3.75 (+0.75).
    const tariff = aTariff({ elements: [anElement([time('3.00', 60, [vat('10')]), parking('5.00', 300, [vat('20')])])] });
    expect(totals(tariff, chargeThenPark('2026-05-04T10:00:00Z', 150, 42, 20_000))).toEqual({ exclTaxMinor: 1125, inclTaxMinor: 1275 });
  });

  it('Ad-hoc 1.90 euro per hour per 5 min: 2.5 hours cost 4.75 excl. and 5.00 incl. 5.2% VAT', () => {
    // 4.75 x 5.2% = 0.247 -> 0.25.
    const tariff = aTariff({ type: 'AD_HOC_PAYMENT', taxes: [vat('5.2')], elements: [anElement([time('1.9', 300)])] });
    expect(totals(tariff, aSession('2026-05-04T10:00:00Z', 150, 20_000))).toEqual({ exclTaxMinor: 475, inclTaxMinor: 500 });
  });

  it('0.25 euro per kWh billed per 0.1 kWh: 20.45 kWh are billed as 20.5 kWh', () => {
    // 20.5 x 0.25 = 5.125 -> 5.13 (the spec's 5.50 does not follow from its own numbers); VAT 0.513 -> 0.51.
    const tariff = aTariff({ taxes: [vat('10')], elements: [anElement([energy('0.25', 100)])] });
    const priced = priceSession(tariff, aSession('2026-05-04T10:00:00Z', 120, 20_450));
    expect(priced.lines[0]).toMatchObject({ quantity: 20_450, billedQuantity: 20_500, exclTaxMinor: 513, inclTaxMinor: 564 });
  });

  describe('Complex Tariff', () => {
    const complex = aTariff({
      elements: [
        anElement([flat('2.50', [vat('15')])]),
        anElement([time('1.00', 900, [vat('20')])], { maxCurrent: 32 }),
        anElement([time('2.00', 600, [vat('20')])], {
          minCurrent: 32,
          dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
        }),
        anElement([time('1.25', 600, [vat('20')])], { minCurrent: 32, dayOfWeek: ['SATURDAY', 'SUNDAY'] }),
        anElement([parking('5.00', 300, [vat('10')])], {
          startTime: '09:00',
          endTime: '18:00',
          dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
        }),
        anElement([parking('6.00', 300, [vat('10')])], { startTime: '10:00', endTime: '17:00', dayOfWeek: ['SATURDAY'] }),
      ],
    });

    function session(from: string, chargingMinutes: number, parkingMinutes: number, currentA: number) {
      const timeline = chargeThenPark(from, chargingMinutes, parkingMinutes, 20_000, 'Europe/Amsterdam');
      return { ...timeline, readings: timeline.readings.map((reading) => ({ ...reading, currentA })) };
    }

    it('a Monday 09:30, 147 min at 16 A and 42 min parked: 8.75 excl.', () => {
      // Start 2.50; 147 min per 15 min = 150 min x 1.00/h = 2.50; 42 min per 5 min = 45 min x 5.00/h = 3.75.
      // Incl.: 2.875 -> 2.88, 3.00, 4.125 -> 4.13 = 10.01 (OCPI rounds its total to 10.00; evcms rounds per line).
      const priced = priceSession(complex, session('2026-05-04T07:30:00Z', 147, 42, 16));
      expect(priced.lines.map((line) => [line.component, line.elementIndex, line.billedQuantity, line.exclTaxMinor])).toEqual([
        ['FLAT', 0, 1, 250],
        ['TIME', 1, 9000, 250],
        ['PARKING_TIME', 4, 2700, 375],
      ]);
      expect(priced.totals).toMatchObject({ exclTaxMinor: 875, inclTaxMinor: 1001 });
    });

    it('a Saturday 13:30, 114 min at 43 A and 71 min parked: 12.50 excl. and 14.13 incl.', () => {
      // Start 2.50 (+0.375); 114 min per 10 min = 120 min x 1.25/h = 2.50 (+0.50); 71 min per 5 = 75 min x 6.00/h = 7.50 (+0.75).
      const priced = priceSession(complex, session('2026-05-09T11:30:00Z', 114, 71, 43));
      expect(priced.totals).toMatchObject({ exclTaxMinor: 1250, inclTaxMinor: 1413 });
    });
  });

  describe('step_size when switching elements', () => {
    const tariff = aTariff({
      elements: [
        anElement([time('1.20', 1800)], { endTime: '17:00' }),
        anElement([time('2.40', 900)], { startTime: '17:00' }),
        anElement([parking('1.00', 900)], { endTime: '20:00' }),
      ],
    });

    it('#2: 35 min from 16:35 are billed 25 min x 1.20/h + 20 min x 2.40/h = 1.30', () => {
      // 35 min total, step of the last element 15 min -> 45 min; 25 before 17:00, so 20 after.
      const priced = priceSession(tariff, aSession('2026-05-04T16:35:00Z', 35, 5_000));
      expect(priced.lines.map((line) => [line.quantity, line.billedQuantity, line.exclTaxMinor])).toEqual([
        [1500, 1500, 50],
        [600, 1200, 80],
      ]);
      expect(priced.totals.exclTaxMinor).toBe(130);
    });

    it('#1: 10 min from 16:55 cost 0.50 for charging; evcms bills the 2 parked minutes on their own (OCPI lets charging absorb them)', () => {
      // Charging: 5 min x 1.20/h = 0.10; 5 min, rounded to 15 min in all = 10 min x 2.40/h = 0.40.
      // Parking: 2 min, per 15 min = 15 min x 1.00/h = 0.25 (OCPI's example bills none).
      const priced = priceSession(tariff, chargeThenPark('2026-05-04T16:55:00Z', 10, 2, 2_000));
      expect(priced.lines.map((line) => [line.component, line.billedQuantity, line.exclTaxMinor])).toEqual([
        ['TIME', 300, 10],
        ['TIME', 600, 40],
        ['PARKING_TIME', 900, 25],
      ]);
    });
  });

  it('max_power: 1 kWh at 6 kW, 40 kWh at 48 kW and 0.5 kWh at 4 kW cost 20.30', () => {
    // 1 x 0.20 + 40 x 0.50 + 0.5 x 0.20: 0.20 + 20.00 + 0.10.
    const tariff = aTariff({
      elements: [anElement([energy('0.20')], { maxPower: 16 }), anElement([energy('0.35')], { maxPower: 32 }), anElement([energy('0.50')])],
    });
    const session = readingsSession('2026-05-04T10:00:00Z', [
      [0, 0, 6000],
      [10, 1000, 48_000],
      [60, 41_000, 4000],
      [67.5, 41_500, 4000],
    ]);
    const priced = priceSession(tariff, session);
    expect(priced.chargingPeriods.map((period) => [period.startAt, period.elementIndex.ENERGY])).toEqual([
      [new Date('2026-05-04T10:00:00Z'), 0],
      [minutesAfter('2026-05-04T10:00:00Z', 10), 2],
      [minutesAfter('2026-05-04T10:00:00Z', 60), 0],
    ]);
    expect(priced.totals.exclTaxMinor).toBe(2030);
  });
});
