import { describe, expect, it } from 'vitest';
import { priceSession } from './price-session.js';
import { aSession, aTariff, anElement, energy, flat, time, vat } from './test-builders.js';

/** Step sizes, rounding, currencies and taxes on the lines of a priced session. */

const START = '2026-05-04T10:00:00Z';

describe('step sizes', () => {
  it('rounds energy up to 1000 Wh: 12.3 kWh are billed as 13 kWh x 0.30 = 3.90', () => {
    const tariff = aTariff({ elements: [anElement([energy('0.30', 1000)])] });
    expect(priceSession(tariff, aSession(START, 60, 12_300)).lines[0]).toMatchObject({
      quantity: 12_300,
      billedQuantity: 13_000,
      exclTaxMinor: 390,
    });
  });

  it('rounds time up to 300 s: 61 min are billed as 65 min x 2.00/h = 2.1667 -> 2.17', () => {
    const tariff = aTariff({ elements: [anElement([time('2.00', 300)])] });
    expect(priceSession(tariff, aSession(START, 61, 1_000)).lines[0]).toMatchObject({
      quantity: 3660,
      billedQuantity: 3900,
      exclTaxMinor: 217,
    });
  });

  it('puts the rounding of a dimension on its last line', () => {
    // 19:00-21:00 UTC, 2.5 kWh: 1250 Wh by day (0.30), 1250 Wh by night (0.10, step 1000): 2500 -> 3000 Wh in all,
    // so the night line bills 1750 Wh. Day 0.375 -> 0.38, night 0.175 -> 0.18.
    const tariff = aTariff({
      elements: [anElement([energy('0.30', 1)], { startTime: '08:00', endTime: '20:00' }), anElement([energy('0.10', 1000)])],
    });
    const priced = priceSession(tariff, aSession('2026-05-04T19:00:00Z', 120, 2_500));
    expect(priced.lines.map((line) => [line.quantity, line.billedQuantity, line.exclTaxMinor])).toEqual([
      [1250, 1250, 38],
      [1250, 1750, 18],
    ]);
    expect(priced.totals.energyWh).toBe(2_500);
  });

  it('bills a flat fee once however many periods there are', () => {
    const tariff = aTariff({
      elements: [anElement([flat('1.00'), energy('0.30')], { endTime: '20:00' }), anElement([flat('5.00'), energy('0.10')])],
    });
    const priced = priceSession(tariff, aSession('2026-05-04T19:00:00Z', 120, 2_000));
    expect(priced.lines.filter((line) => line.component === 'FLAT')).toMatchObject([{ elementIndex: 0, quantity: 1, exclTaxMinor: 100 }]);
  });

  it('ignores a step size on a flat fee', () => {
    const tariff = aTariff({ elements: [anElement([{ ...flat('1.00'), stepSize: 5 }])] });
    expect(priceSession(tariff, aSession(START, 60, 1_000)).lines[0]).toMatchObject({ billedQuantity: 1, exclTaxMinor: 100 });
  });
});

describe('rounding once per line, half-up', () => {
  it.each([
    [20, 1], // 20 Wh x 0.25/kWh = 0.5 cent -> 1
    [19, 0], // 0.475 cent -> 0
    [60, 2], // 1.5 cents -> 2
  ])('%i Wh at 0.25/kWh cost %i cent', (wh, cents) => {
    expect(priceSession(aTariff(), aSession(START, 1, wh)).totals.exclTaxMinor).toBe(cents);
  });
});

describe('currencies', () => {
  it('bills RWF in whole francs: 12.345 kWh x 250 = 3086.25 -> 3086, VAT 18% = 555.48 -> 555', () => {
    const tariff = aTariff({ currency: 'RWF', taxes: [vat('18')], elements: [anElement([energy('250')])] });
    const priced = priceSession(tariff, aSession(START, 60, 12_345, { timeZone: 'Africa/Kigali' }));
    expect(priced.totals).toMatchObject({ exclTaxMinor: 3086, taxMinor: 555, inclTaxMinor: 3641 });
    expect(priced.currency).toBe('RWF');
  });

  it('bills KWD in fils: 10.123 kWh x 0.0155 = 156.9065 -> 157 fils, 1.5 h x 0.250 = 375 fils', () => {
    const tariff = aTariff({ currency: 'KWD', elements: [anElement([energy('0.0155'), time('0.250')])] });
    const priced = priceSession(tariff, aSession(START, 90, 10_123, { timeZone: 'Asia/Kuwait' }));
    expect(priced.lines.map((line) => line.exclTaxMinor)).toEqual([157, 375]);
    expect(priced.totals.exclTaxMinor).toBe(532);
  });

  it('refuses a tariff in an unknown currency', () => {
    expect(() => priceSession(aTariff({ currency: 'ABC' }), aSession(START, 60, 1_000))).toThrow(/ABC/);
  });
});

describe('taxes', () => {
  it("uses a component's taxes over the tariff's", () => {
    // Flat 1.00 with 20% = 0.20; energy 10 kWh x 0.25 = 2.50 with the tariff's 10% = 0.25.
    const tariff = aTariff({ taxes: [vat('10')], elements: [anElement([flat('1.00', [vat('20')]), energy('0.25')])] });
    const priced = priceSession(tariff, aSession(START, 60, 10_000));
    expect(priced.lines.map((line) => [line.component, line.taxes[0]!.amountMinor])).toEqual([
      ['FLAT', 20],
      ['ENERGY', 25],
    ]);
    expect(priced.totals).toMatchObject({ exclTaxMinor: 350, taxMinor: 45, inclTaxMinor: 395 });
  });

  it('stacks an excise (stack 0) under VAT (stack 1): 10.00 + 1.00 excise + 20% of 11.00', () => {
    const tariff = aTariff({ taxes: [{ type: 'Excise', ratePercent: '10' }, vat('20', 1)], elements: [anElement([energy('0.50')])] });
    const line = priceSession(tariff, aSession(START, 60, 20_000)).lines[0]!;
    expect(line.taxes.map((tax) => [tax.type, tax.amountMinor])).toEqual([
      ['Excise', 100],
      ['VAT', 220],
    ]);
    expect(line).toMatchObject({ exclTaxMinor: 1000, inclTaxMinor: 1320 });
  });

  it('takes prices with tax apart: 1 kWh at 0.35 incl. 20% is 0.29 + 0.06', () => {
    // Gross 35; exact net 29.1667, VAT 5.8333 -> 6, net = 35 - 6 = 29.
    const tariff = aTariff({ pricesIncludeTax: true, taxes: [vat('20')], elements: [anElement([energy('0.35')])] });
    expect(priceSession(tariff, aSession(START, 10, 1_000)).lines[0]).toMatchObject({ exclTaxMinor: 29, inclTaxMinor: 35 });
  });

  it('takes stacked taxes out of a gross price: 13.20 = 10.00 + 1.00 excise + 2.20 VAT', () => {
    const tariff = aTariff({
      pricesIncludeTax: true,
      taxes: [{ type: 'Excise', ratePercent: '10' }, vat('20', 1)],
      elements: [anElement([energy('0.66')])],
    });
    const line = priceSession(tariff, aSession(START, 60, 20_000)).lines[0]!;
    expect(line).toMatchObject({ exclTaxMinor: 1000, inclTaxMinor: 1320 });
    expect(line.taxes.map((tax) => tax.amountMinor)).toEqual([100, 220]);
  });
});

describe('a session shorter than a second', () => {
  it('still bills all its energy: it is priced as lasting one second', () => {
    const startedAt = new Date('2026-12-03T08:00:00.700Z');
    const stoppedAt = new Date('2026-12-03T08:00:00.900Z');
    const tariff = {
      currency: 'RWF',
      type: 'REGULAR',
      altText: [],
      pricesIncludeTax: false,
      taxes: [],
      elements: [{ priceComponents: [{ type: 'ENERGY', price: '300', stepSize: 1 }] }],
    } as const;
    const priced = priceSession(tariff as never, {
      startedAt,
      stoppedAt,
      timeZone: 'UTC',
      readings: [
        { at: startedAt, energyWh: 0 },
        { at: stoppedAt, energyWh: 12_000 },
      ],
      charging: null,
    });
    // 12 kWh x 300 RWF.
    expect(priced.totals).toMatchObject({ energyWh: 12_000, exclTaxMinor: 3600, inclTaxMinor: 3600 });
  });
});
