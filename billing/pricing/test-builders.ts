import type { PriceComponent, SessionTimeline, TariffDefinition, TariffElement, TariffRestrictions, TaxRate } from '../tariff-model.js';

/** Builders for pricing tests: a plain tariff and a plain session, each with overrides. */

export function aTariff(overrides: Partial<TariffDefinition> = {}): TariffDefinition {
  return {
    currency: 'EUR',
    type: 'REGULAR',
    altText: [],
    pricesIncludeTax: false,
    taxes: [],
    elements: [anElement([energy('0.25')])],
    ...overrides,
  };
}

export function anElement(priceComponents: PriceComponent[], restrictions?: TariffRestrictions): TariffElement {
  return restrictions ? { priceComponents, restrictions } : { priceComponents };
}

export function energy(price: string, stepSize = 1, taxes?: TaxRate[]): PriceComponent {
  return { type: 'ENERGY', price, stepSize, ...(taxes ? { taxes } : {}) };
}

export function time(price: string, stepSize = 1, taxes?: TaxRate[]): PriceComponent {
  return { type: 'TIME', price, stepSize, ...(taxes ? { taxes } : {}) };
}

export function parking(price: string, stepSize = 1, taxes?: TaxRate[]): PriceComponent {
  return { type: 'PARKING_TIME', price, stepSize, ...(taxes ? { taxes } : {}) };
}

export function flat(price: string, taxes?: TaxRate[]): PriceComponent {
  return { type: 'FLAT', price, stepSize: 1, ...(taxes ? { taxes } : {}) };
}

export function vat(ratePercent: string, stack?: number): TaxRate {
  return stack === undefined ? { type: 'VAT', ratePercent } : { type: 'VAT', ratePercent, stack };
}

export function minutesAfter(iso: string, minutes: number): Date {
  return new Date(new Date(iso).getTime() + minutes * 60_000);
}

/** A session charging at constant power from `from` for `minutes`, delivering `energyWh`. */
export function aSession(from: string, minutes: number, energyWh: number, overrides: Partial<SessionTimeline> = {}): SessionTimeline {
  const startedAt = new Date(from);
  const stoppedAt = minutesAfter(from, minutes);
  return {
    startedAt,
    stoppedAt,
    timeZone: 'UTC',
    readings: [
      { at: startedAt, energyWh: 0 },
      { at: stoppedAt, energyWh },
    ],
    charging: null,
    ...overrides,
  };
}

/** Charges `energyWh` at constant power for `chargingMinutes`, then stays plugged in for `parkingMinutes`. */
export function chargeThenPark(
  from: string,
  chargingMinutes: number,
  parkingMinutes: number,
  energyWh: number,
  timeZone = 'UTC',
): SessionTimeline {
  const startedAt = new Date(from);
  const chargedAt = minutesAfter(from, chargingMinutes);
  const stoppedAt = minutesAfter(from, chargingMinutes + parkingMinutes);
  return {
    startedAt,
    stoppedAt,
    timeZone,
    readings: [
      { at: startedAt, energyWh: 0 },
      { at: chargedAt, energyWh },
      { at: stoppedAt, energyWh },
    ],
    charging: [{ from: startedAt, to: chargedAt }],
  };
}

/** Readings given as [minutes after start, Wh, W?, A?], all charging. */
export function readingsSession(from: string, points: [number, number, number?, number?][], timeZone = 'UTC'): SessionTimeline {
  const readings = points.map(([minutes, energyWh, powerW, currentA]) => ({
    at: minutesAfter(from, minutes),
    energyWh,
    ...(powerW === undefined ? {} : { powerW }),
    ...(currentA === undefined ? {} : { currentA }),
  }));
  return { startedAt: new Date(from), stoppedAt: readings.at(-1)!.at, timeZone, readings, charging: null };
}
