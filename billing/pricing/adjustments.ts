import type { PricedSession, TariffDefinition } from '../tariff-model.js';
import { taxNet } from './taxes.js';

export type Adjustment = PricedSession['adjustments'][number];

interface Sums {
  exclTaxMinor: number;
  taxMinor: number;
  energyWh: number;
  durationSeconds: number;
}

/** A session under a freeBelow threshold costs nothing: one adjustment takes back every line, excl. and incl. tax. */
function freeBelow(tariff: TariffDefinition, sums: Sums): Adjustment | null {
  const threshold = tariff.freeBelow;
  if (!threshold) return null;
  const underEnergy = threshold.energyWh !== undefined && sums.energyWh < threshold.energyWh;
  const underDuration = threshold.durationSeconds !== undefined && sums.durationSeconds < threshold.durationSeconds;
  if (!underEnergy && !underDuration) return null;
  return { reason: 'free-below-threshold', exclTaxMinor: -sums.exclTaxMinor, taxMinor: -sums.taxMinor };
}

/** The difference to a bound, taxed with the tariff's taxes (an adjustment has no component of its own). */
function toBound(tariff: TariffDefinition, reason: string, differenceMinor: number): Adjustment {
  const taxed = taxNet(BigInt(differenceMinor), tariff.taxes);
  return { reason, exclTaxMinor: differenceMinor, taxMinor: Number(taxed.inclTaxMinor - taxed.exclTaxMinor) };
}

/**
 * Adjustments, in order: a free session wins over everything (a failed start costs nothing, even under a minimum
 * price); else the total excl. tax is raised to minPriceMinor or lowered to maxPriceMinor. Only the bound excl. tax is
 * enforced; OCPI's bound incl. VAT is not (evcms bounds are excl. tax only).
 */
export function adjustmentsFor(tariff: TariffDefinition, sums: Sums): Adjustment[] {
  const free = freeBelow(tariff, sums);
  if (free) return [free];
  if (tariff.minPriceMinor !== undefined && sums.exclTaxMinor < tariff.minPriceMinor) {
    return [toBound(tariff, 'min-price', tariff.minPriceMinor - sums.exclTaxMinor)];
  }
  if (tariff.maxPriceMinor !== undefined && sums.exclTaxMinor > tariff.maxPriceMinor) {
    return [toBound(tariff, 'max-price', tariff.maxPriceMinor - sums.exclTaxMinor)];
  }
  return [];
}
