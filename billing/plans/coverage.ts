import { taxShare } from '../credit-notes.js';
import { fraction, multiply, parseDecimal, roundHalfUp } from '../pricing/money.js';
import type { PlanCovered, PricedLine, PricedSession } from '../tariff-model.js';
import { share } from './proration.js';

/** What a subscription offers one session: the period it counts in, the included energy left there, the discount. */
export interface PlanTerms {
  planId: string;
  name: string;
  subscriptionId: string;
  periodStart: Date;
  currency: string;
  energyLeftWh: number;
  /** Percent, a decimal string, or null. */
  discountPercent: string | null;
}

interface Part {
  exclTaxMinor: number;
  taxMinor: number;
}

const inclOf = (part: Part) => part.exclTaxMinor + part.taxMinor;

/** The part of an energy line that `wh` of its billed energy is, tax in proportion (milli-Wh: volumes may be fractional). */
function lineShare(line: PricedLine, wh: number): Part {
  const taxMinor = line.inclTaxMinor - line.exclTaxMinor;
  if (wh >= line.billedQuantity) return { exclTaxMinor: line.exclTaxMinor, taxMinor };
  const incl = share(line.inclTaxMinor, Math.round(wh * 1000), Math.round(line.billedQuantity * 1000));
  const tax = taxShare(incl, line.inclTaxMinor, taxMinor);
  return { exclTaxMinor: incl - tax, taxMinor: tax };
}

/** Included energy, consumed in the order the energy lines were first used, never more than the price. */
function includedEnergy(priced: PricedSession, leftWh: number): { part: Part; wh: number } {
  let left = leftWh;
  const part = { exclTaxMinor: 0, taxMinor: 0 };
  for (const line of priced.lines) {
    if (left <= 0) break;
    if (line.component !== 'ENERGY' || line.billedQuantity <= 0) continue;
    const wh = Math.min(left, line.billedQuantity);
    const taken = lineShare(line, wh);
    part.exclTaxMinor += taken.exclTaxMinor;
    part.taxMinor += taken.taxMinor;
    left -= wh;
  }
  const { totals } = priced;
  const capped = inclOf(part) > totals.inclTaxMinor ? { exclTaxMinor: totals.exclTaxMinor, taxMinor: totals.taxMinor } : part;
  return { part: capped, wh: leftWh - left };
}

/** The discount on what is left to pay, rounded half up once, tax in proportion. */
function discountOn(rest: Part, percent: string | null): Part {
  const restIncl = inclOf(rest);
  if (!percent || restIncl <= 0) return { exclTaxMinor: 0, taxMinor: 0 };
  const incl = Number(roundHalfUp(multiply(fraction(BigInt(restIncl)), multiply(parseDecimal(percent), fraction(1n, 100n)))));
  const tax = taxShare(incl, restIncl, rest.taxMinor);
  return { exclTaxMinor: incl - tax, taxMinor: tax };
}

/**
 * A session's price under a driver's plan, pure: the included energy left in the period pays for its energy first
 * (line by line, in the order used; the billed quantity, after the step size), then the plan's discount comes off
 * what remains. Both are adjustments (`plan-included-energy`, `plan-discount`), and `plan` says what the plan
 * covered. A session that costs nothing already, or is priced in another currency, is left as it is.
 */
export function coverSession(priced: PricedSession, terms: PlanTerms): PricedSession {
  if (priced.currency !== terms.currency || priced.totals.inclTaxMinor <= 0) return priced;
  const energy = includedEnergy(priced, Math.max(0, terms.energyLeftWh));
  const rest = {
    exclTaxMinor: priced.totals.exclTaxMinor - energy.part.exclTaxMinor,
    taxMinor: priced.totals.taxMinor - energy.part.taxMinor,
  };
  const discount = discountOn(rest, terms.discountPercent);
  const adjustments = [...priced.adjustments];
  const off = (part: Part) => ({ exclTaxMinor: -part.exclTaxMinor, taxMinor: -part.taxMinor });
  if (energy.wh > 0) adjustments.push({ reason: 'plan-included-energy', ...off(energy.part) });
  if (inclOf(discount) > 0) adjustments.push({ reason: 'plan-discount', ...off(discount) });
  const exclTaxMinor = rest.exclTaxMinor - discount.exclTaxMinor;
  const taxMinor = rest.taxMinor - discount.taxMinor;
  const plan: PlanCovered = {
    planId: terms.planId,
    name: terms.name,
    subscriptionId: terms.subscriptionId,
    periodStart: terms.periodStart.toISOString(),
    energyWh: Math.round(energy.wh),
    energyLeftWh: terms.energyLeftWh,
    energyMinor: inclOf(energy.part),
    discountMinor: inclOf(discount),
  };
  return { ...priced, totals: { ...priced.totals, exclTaxMinor, taxMinor, inclTaxMinor: exclTaxMinor + taxMinor }, adjustments, plan };
}
