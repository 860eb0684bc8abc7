import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  PriceComponent,
  PricedSession,
  SessionTimeline,
  TariffDefinition,
  TariffElement,
  TariffRestrictions,
} from '../tariff-model.js';
import { priceSession } from './price-session.js';

/** Properties of priceSession over random tariffs and sessions. */

const START = Date.parse('2026-03-27T18:00:00Z'); // a weekend with a DST change in Europe/Paris
const ZONES = ['UTC', 'Europe/Paris', 'Africa/Kigali', 'America/New_York'];

const price = fc.integer({ min: 0, max: 99_999 }).map((n) => (n / 10_000).toFixed(4));
const taxRates = fc.array(
  fc.record({
    type: fc.constantFrom('VAT', 'Excise', 'Levy'),
    ratePercent: fc.constantFrom('0', '5.5', '10', '18', '20'),
    stack: fc.constantFrom(0, 1),
  }),
  { maxLength: 2 },
);
const hhmm = fc
  .integer({ min: 0, max: 23 * 60 + 59 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

function component(type: PriceComponent['type'], stepSizes: number[]) {
  return fc.record({
    type: fc.constant(type),
    price,
    stepSize: fc.constantFrom(...stepSizes),
    taxes: fc.option(taxRates, { nil: undefined }),
  });
}

const anyComponent = fc.oneof(
  component('ENERGY', [1, 100, 1000]),
  component('TIME', [1, 60, 300, 900]),
  component('PARKING_TIME', [1, 60, 300]),
  component('FLAT', [1]),
);

const restrictions: fc.Arbitrary<TariffRestrictions> = fc.record(
  {
    startTime: hhmm,
    endTime: hhmm,
    dayOfWeek: fc.subarray(['MONDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const, { minLength: 1 }),
    minKwh: fc.integer({ min: 1, max: 30 }),
    maxKwh: fc.integer({ min: 31, max: 60 }),
    minDuration: fc.integer({ min: 60, max: 7200 }),
    maxPower: fc.integer({ min: 3, max: 50 }),
  },
  { requiredKeys: [] },
);

const element = (components: fc.Arbitrary<PriceComponent>): fc.Arbitrary<TariffElement> =>
  fc.record({ priceComponents: fc.array(components, { minLength: 1, maxLength: 3 }), restrictions }, { requiredKeys: ['priceComponents'] });

const tariff: fc.Arbitrary<TariffDefinition> = fc.record({
  currency: fc.constantFrom('EUR', 'RWF', 'KWD'),
  type: fc.constant('REGULAR' as const),
  altText: fc.constant([]),
  pricesIncludeTax: fc.boolean(),
  taxes: taxRates,
  elements: fc
    .tuple(fc.array(element(anyComponent), { maxLength: 3 }), fc.array(anyComponent, { minLength: 1, maxLength: 4 }))
    .map(([restricted, fallback]) => [...restricted, { priceComponents: fallback }]),
  idleFee: fc.option(fc.record({ price, graceMinutes: fc.constantFrom(0, 15), stepSize: fc.constantFrom(1, 300) }), { nil: undefined }),
  minPriceMinor: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  maxPriceMinor: fc.option(fc.integer({ min: 500, max: 5000 }), { nil: undefined }),
});

/** Readings every few minutes with random power, charging for a prefix and in random stretches after. */
const timeline: fc.Arbitrary<SessionTimeline> = fc
  .record({
    offsetMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    steps: fc.array(
      fc.record({ minutes: fc.integer({ min: 1, max: 90 }), powerW: fc.integer({ min: 0, max: 60_000 }), charging: fc.boolean() }),
      {
        minLength: 1,
        maxLength: 12,
      },
    ),
    timeZone: fc.constantFrom(...ZONES),
    statusesKnown: fc.boolean(),
  })
  .map(({ offsetMinutes, steps, timeZone, statusesKnown }) => {
    let at = START + offsetMinutes * 60_000;
    let energyWh = 0;
    const startedAt = new Date(at);
    const readings: SessionTimeline['readings'] = [{ at: startedAt, energyWh: 0, powerW: steps[0]!.powerW }];
    const charging: { from: Date; to: Date }[] = [];
    for (const [i, step] of steps.entries()) {
      const from = new Date(at);
      at += step.minutes * 60_000;
      if (step.charging) {
        energyWh += Math.round((step.powerW * step.minutes) / 60);
        charging.push({ from, to: new Date(at) });
      }
      readings.push({ at: new Date(at), energyWh, powerW: steps[i + 1]?.powerW ?? 0 });
    }
    return { startedAt, stoppedAt: new Date(at), timeZone, readings, charging: statusesKnown ? charging : null };
  });

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function volume(priced: PricedSession, type: string): number {
  return sum(priced.chargingPeriods.flatMap((period) => period.dimensions.filter((d) => d.type === type).map((d) => d.volume)));
}

describe('priceSession properties', () => {
  it('keeps exclTax + taxes == inclTax on every line and in the totals', () => {
    fc.assert(
      fc.property(tariff, timeline, (t, session) => {
        const priced = priceSession(t, session);
        for (const line of priced.lines) expect(line.exclTaxMinor + sum(line.taxes.map((tax) => tax.amountMinor))).toBe(line.inclTaxMinor);
        const { exclTaxMinor, taxMinor, inclTaxMinor } = priced.totals;
        expect(exclTaxMinor + taxMinor).toBe(inclTaxMinor);
        expect(sum(priced.lines.map((line) => line.exclTaxMinor)) + sum(priced.adjustments.map((a) => a.exclTaxMinor))).toBe(exclTaxMinor);
        expect(sum(priced.lines.map((line) => line.inclTaxMinor)) + sum(priced.adjustments.map((a) => a.exclTaxMinor + a.taxMinor))).toBe(
          inclTaxMinor,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('sums the volumes of its charging periods to its totals, and its lines never bill less than they use', () => {
    fc.assert(
      fc.property(tariff, timeline, (t, session) => {
        const priced = priceSession(t, session);
        expect(volume(priced, 'ENERGY')).toBe(priced.totals.energyWh);
        expect(volume(priced, 'TIME')).toBe(priced.totals.timeSeconds);
        expect(volume(priced, 'PARKING_TIME')).toBe(priced.totals.parkingSeconds);
        expect(volume(priced, 'IDLE')).toBe(priced.totals.idleSeconds);
        expect(priced.totals.energyWh).toBe(session.readings.at(-1)!.energyWh);
        expect(priced.totals.timeSeconds + priced.totals.parkingSeconds).toBe(
          (session.stoppedAt.getTime() - session.startedAt.getTime()) / 1000,
        );
        for (const line of priced.lines) expect(line.billedQuantity).toBeGreaterThanOrEqual(line.quantity);
        const starts = priced.chargingPeriods.map((period) => period.startAt.getTime());
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
      { numRuns: 150 },
    );
  });

  /**
   * Monotone in energy: the same session with every reading's energy scaled up never costs less. It holds for tariffs
   * whose energy prices depend on the energy so far only (kWh bands, step 1) and whose other prices do not depend on
   * energy or power: OCPI step sizes over switching elements, and power bands (more energy in the same time is more
   * power, which may select a cheaper element), can make more energy cheaper, by design of the standard.
   */
  it('never prices more energy lower, under energy prices that depend only on the energy so far', () => {
    const energyOnly = fc.record(
      { minKwh: fc.integer({ min: 1, max: 30 }), maxKwh: fc.integer({ min: 31, max: 60 }) },
      { requiredKeys: [] },
    );
    const energyElement = fc.record({ priceComponents: fc.tuple(component('ENERGY', [1])), restrictions: energyOnly });
    const timeElement = element(fc.oneof(component('TIME', [1, 300]), component('PARKING_TIME', [1, 60]), component('FLAT', [1]))).map(
      (e) => ({
        ...e,
        restrictions: e.restrictions ? { ...e.restrictions, minKwh: undefined, maxKwh: undefined, maxPower: undefined } : undefined,
      }),
    );
    const monotoneTariff = fc
      .record({
        base: tariff,
        energyElements: fc.array(energyElement, { maxLength: 3 }),
        timeElements: fc.array(timeElement, { maxLength: 2 }),
        fallback: price,
      })
      .map(({ base, energyElements, timeElements, fallback }) => ({
        ...base,
        elements: [...energyElements, ...timeElements, { priceComponents: [{ type: 'ENERGY' as const, price: fallback, stepSize: 1 }] }],
      }));
    fc.assert(
      fc.property(monotoneTariff, timeline, fc.integer({ min: 100, max: 300 }), (t, session, percent) => {
        const more = { ...session, readings: session.readings.map((r) => ({ ...r, energyWh: Math.floor((r.energyWh * percent) / 100) })) };
        expect(priceSession(t, more).totals.exclTaxMinor).toBeGreaterThanOrEqual(priceSession(t, session).totals.exclTaxMinor);
      }),
      { numRuns: 150 },
    );
  });

  it('prices a running session from its readings so far, and the final session the same however often it is priced', () => {
    fc.assert(
      fc.property(tariff, timeline, fc.double({ min: 0, max: 1, noNaN: true }), (t, session, fraction) => {
        const span = session.stoppedAt.getTime() - session.startedAt.getTime();
        const now = new Date(session.startedAt.getTime() + Math.floor((span * fraction) / 1000) * 1000);
        const sofar = { ...session, stoppedAt: now, readings: session.readings.filter((r) => r.at <= now) };
        const running = priceSession(t, sofar);
        expect(running.totals.timeSeconds + running.totals.parkingSeconds).toBe((now.getTime() - session.startedAt.getTime()) / 1000);
        const snapshot = structuredClone(session);
        const final = priceSession(t, session);
        expect(session).toEqual(snapshot);
        expect(priceSession(t, structuredClone(session))).toEqual(final);
      }),
      { numRuns: 100 },
    );
  });
});
