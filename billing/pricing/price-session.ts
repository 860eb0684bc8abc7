import { minorUnits } from '../currency.js';
import type { PricedLine, PricedSession, SessionTimeline, TariffDefinition } from '../tariff-model.js';
import { adjustmentsFor } from './adjustments.js';
import { pricedLine } from './amounts.js';
import { toSeconds } from './meter.js';
import { chargingPeriod, type Period, periodsOf, secondsOf } from './periods.js';
import { volumeLines } from './steps.js';

function sumOf<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((sum, item) => sum + value(item), 0);
}

function lineTax(line: PricedLine): number {
  return sumOf(line.taxes, (tax) => tax.amountMinor);
}

function volumes(periods: Period[]) {
  return {
    energyWh: sumOf(periods, (period) => period.energyWh),
    timeSeconds: sumOf(periods, (period) => (period.charging ? secondsOf(period) : 0)),
    parkingSeconds: sumOf(periods, (period) => (period.charging ? 0 : secondsOf(period))),
    idleSeconds: sumOf(periods, (period) => (period.idle ? secondsOf(period) : 0)),
  };
}

/**
 * Pricing counts whole seconds: a session that starts and stops within one second (a station's clock, a
 * plug-in and out) would have no period to carry its energy. One that delivered energy is priced as lasting one
 * second, so no energy is ever dropped; readings after the start move to its end.
 */
function atLeastOneSecond(timeline: SessionTimeline): SessionTimeline {
  const start = toSeconds(timeline.startedAt);
  const energy = (timeline.readings.at(-1)?.energyWh ?? 0) - (timeline.readings[0]?.energyWh ?? 0);
  if (toSeconds(timeline.stoppedAt) > start || !(energy > 0)) return timeline;
  const stoppedAt = new Date((start + 1) * 1000);
  const after = (at: Date) => at.getTime() > timeline.startedAt.getTime();
  return {
    ...timeline,
    stoppedAt,
    readings: timeline.readings.map((r) => (after(r.at) ? { ...r, at: stoppedAt } : r)),
    charging: timeline.charging && (timeline.charging.length ? [{ from: timeline.startedAt, to: stoppedAt }] : []),
  };
}

/**
 * Prices a session under a tariff: pure and deterministic. Periods are cut where a price can change, each dimension of
 * a period is priced by the first element whose restrictions all hold, step sizes apply once per dimension, each line
 * is rounded once, taxes are levied per line, and adjustments (free threshold, min and max price) close the total.
 */
export function priceSession(tariff: TariffDefinition, given: SessionTimeline): PricedSession {
  const timeline = atLeastOneSecond(given);
  const digits = minorUnits(tariff.currency);
  const periods = periodsOf(tariff, timeline);
  const lines = volumeLines(tariff, periods).map((line) => pricedLine(line, digits, tariff.pricesIncludeTax));
  const used = volumes(periods);
  const lineSums = { exclTaxMinor: sumOf(lines, (line) => line.exclTaxMinor), taxMinor: sumOf(lines, lineTax) };
  const durationSeconds = Math.max(0, toSeconds(timeline.stoppedAt) - toSeconds(timeline.startedAt));
  const adjustments = adjustmentsFor(tariff, { ...lineSums, energyWh: used.energyWh, durationSeconds });
  const exclTaxMinor = lineSums.exclTaxMinor + sumOf(adjustments, (adjustment) => adjustment.exclTaxMinor);
  const taxMinor = lineSums.taxMinor + sumOf(adjustments, (adjustment) => adjustment.taxMinor);
  return {
    currency: tariff.currency,
    chargingPeriods: periods.map(chargingPeriod),
    lines,
    totals: { exclTaxMinor, taxMinor, inclTaxMinor: exclTaxMinor + taxMinor, ...used },
    adjustments,
  };
}
