import { taxShare } from '../credit-notes.js';
import { fraction, roundHalfUp } from '../pricing/money.js';
import { taxGross } from '../pricing/taxes.js';
import type { TaxRate } from '../tariff-model.js';

/** An amount with the tax in it, in minor units. */
export interface Taxed {
  inclMinor: number;
  taxMinor: number;
}

/** The tax included in a fee of `inclMinor` under `taxes` (taken out exactly, rounded per tax, as pricing does). Pure. */
export function feeWithTax(inclMinor: number, taxes: TaxRate[]): Taxed {
  const taxed = taxGross(BigInt(inclMinor), taxes);
  return { inclMinor, taxMinor: Number(taxed.inclTaxMinor - taxed.exclTaxMinor) };
}

/** amount x part / whole, rounded half up (integers only). Pure. */
export function share(amount: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Number(roundHalfUp(fraction(BigInt(amount) * BigInt(part), BigInt(whole))));
}

export interface ProrationInput {
  period: { start: Date; end: Date };
  /** When the plan changes. */
  at: Date;
  /** The period as it stands: the fee paid for the plan in force (tax in it), that plan's full energy, the period's energy. */
  current: { feeMinor: number; taxMinor: number; planIncludedWh: number; periodIncludedWh: number };
  /** The plan changed to: its fee per period (tax included), its taxes, its energy per period. */
  next: { feeMinor: number; taxes: TaxRate[]; includedWh: number };
}

export interface Proration {
  /** Seconds of the period left at the change, of the period's seconds. */
  remainingSeconds: number;
  periodSeconds: number;
  /** What the driver gets back for the current plan's time left. */
  credit: Taxed;
  /** What the driver pays for the new plan's time left. */
  charge: Taxed;
  /** charge - credit: > 0 taken from the wallet, < 0 given back. */
  net: Taxed;
  /** The period's energy after the change: the current plan's share for the time left swapped for the new plan's. */
  includedWh: number;
}

/**
 * A plan changed within a period, in whole seconds and integer minor units: the fee paid for the time left comes
 * back, the new plan's fee for it is charged, each rounded half up once (the credit's tax in proportion to the fee's,
 * the charge's taken out of it under the new plan's taxes); the energy included for the time left is the new plan's.
 */
export function prorate(input: ProrationInput): Proration {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  const periodSeconds = Math.max(0, seconds(input.period.end) - seconds(input.period.start));
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, seconds(input.period.end) - seconds(input.at)));
  const creditIncl = share(input.current.feeMinor, remainingSeconds, periodSeconds);
  const credit = { inclMinor: creditIncl, taxMinor: taxShare(creditIncl, input.current.feeMinor, input.current.taxMinor) };
  const charge = feeWithTax(share(input.next.feeMinor, remainingSeconds, periodSeconds), input.next.taxes);
  const includedWh =
    input.current.periodIncludedWh -
    share(input.current.planIncludedWh, remainingSeconds, periodSeconds) +
    share(input.next.includedWh, remainingSeconds, periodSeconds);
  return {
    remainingSeconds,
    periodSeconds,
    credit,
    charge,
    net: { inclMinor: charge.inclMinor - credit.inclMinor, taxMinor: charge.taxMinor - credit.taxMinor },
    includedWh: Math.max(0, includedWh),
  };
}
