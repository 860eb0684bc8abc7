// TEMPORARY stand-in until the pricing engine lands (h/pricing): ENERGY, TIME and FLAT of the first element, no restrictions.
import type { PricedSession, SessionTimeline, TariffDefinition } from '../tariff-model.js';

export { validateTariff } from './validate.js';

export function priceSession(tariff: TariffDefinition, timeline: SessionTimeline): PricedSession {
  const energyWh = Math.max(0, (timeline.readings.at(-1)?.energyWh ?? 0) - (timeline.readings[0]?.energyWh ?? 0));
  const seconds = Math.round((timeline.stoppedAt.getTime() - timeline.startedAt.getTime()) / 1000);
  const lines = (tariff.elements[0]?.priceComponents ?? []).map((c) => {
    const quantity = c.type === 'ENERGY' ? energyWh : c.type === 'FLAT' ? 1 : seconds;
    const per = c.type === 'ENERGY' ? 1000 : c.type === 'FLAT' ? 1 : 3600;
    const amount = Math.round((Number(c.price) * quantity) / per);
    return {
      component: c.type,
      elementIndex: 0,
      quantity,
      billedQuantity: quantity,
      unitPrice: c.price,
      exclTaxMinor: amount,
      taxes: [],
      inclTaxMinor: amount,
    };
  });
  const total = lines.reduce((n, l) => n + l.inclTaxMinor, 0);
  return {
    currency: tariff.currency,
    chargingPeriods: [],
    lines,
    totals: { exclTaxMinor: total, taxMinor: 0, inclTaxMinor: total, energyWh, timeSeconds: seconds, parkingSeconds: 0, idleSeconds: 0 },
    adjustments: [],
  };
}

export function estimatePrice(
  tariff: TariffDefinition,
  input: { startAt: Date; energyWh: number; durationMinutes: number; powerW?: number; timeZone: string },
): PricedSession {
  const stoppedAt = new Date(input.startAt.getTime() + input.durationMinutes * 60_000);
  return priceSession(tariff, {
    startedAt: input.startAt,
    stoppedAt,
    timeZone: input.timeZone,
    readings: [
      { at: input.startAt, energyWh: 0 },
      { at: stoppedAt, energyWh: input.energyWh },
    ],
    charging: null,
  });
}
