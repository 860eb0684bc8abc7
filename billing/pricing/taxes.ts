import type { TaxRate } from '../tariff-model.js';
import { add, type Fraction, fraction, multiply, parseDecimal, roundHalfUp } from './money.js';

export interface TaxAmount {
  type: string;
  ratePercent: string;
  amountMinor: bigint;
}

export interface TaxedAmount {
  exclTaxMinor: bigint;
  taxes: TaxAmount[];
  inclTaxMinor: bigint;
}

/** A tariff's rates, read once per rates array (a tariff is never changed once priced; see tariff-plan.ts). */
const stacks = new WeakMap<TaxRate[], TaxRate[][]>();
const shares = new WeakMap<TaxRate, Fraction>();

/** The stacks in the order they are levied: stack 0 on the net, stack n on the net plus every lower stack. */
function stacksOf(rates: TaxRate[]): TaxRate[][] {
  let levied = stacks.get(rates);
  if (!levied) {
    const levels = [...new Set(rates.map((rate) => rate.stack ?? 0))].sort((a, b) => a - b);
    levied = levels.map((level) => rates.filter((rate) => (rate.stack ?? 0) === level));
    stacks.set(rates, levied);
  }
  return levied;
}

function share(rate: TaxRate): Fraction {
  let part = shares.get(rate);
  if (!part) {
    part = multiply(parseDecimal(rate.ratePercent), fraction(1n, 100n));
    shares.set(rate, part);
  }
  return part;
}

/** Each tax exactly (unrounded), levied on `net` stack by stack. */
function exactTaxes(net: Fraction, rates: TaxRate[]): Map<TaxRate, Fraction> {
  const taxes = new Map<TaxRate, Fraction>();
  let base = net;
  for (const stack of stacksOf(rates)) {
    const levied = stack.map((rate) => [rate, multiply(base, share(rate))] as const);
    for (const [rate, amount] of levied) {
      taxes.set(rate, amount);
      base = add(base, amount);
    }
  }
  return taxes;
}

function taxAmounts(exact: Map<TaxRate, Fraction>, rates: TaxRate[]): TaxAmount[] {
  return rates.map((rate) => ({ type: rate.type, ratePercent: rate.ratePercent, amountMinor: roundHalfUp(exact.get(rate)!) }));
}

function sum(taxes: TaxAmount[]): bigint {
  return taxes.reduce((total, tax) => total + tax.amountMinor, 0n);
}

/**
 * Taxes on a net amount: each tax is its rate times its base, rounded on its own; a stack's base is the net plus the
 * rounded taxes of the lower stacks (what the invoice prints), so the invoice can be checked by hand.
 */
export function taxNet(netMinor: bigint, rates: TaxRate[]): TaxedAmount {
  const amounts = new Map<TaxRate, bigint>();
  let base = netMinor;
  for (const stack of stacksOf(rates)) {
    let levied = 0n;
    for (const rate of stack) {
      const amount = roundHalfUp(multiply(fraction(base), share(rate)));
      amounts.set(rate, amount);
      levied += amount;
    }
    base += levied;
  }
  const taxes = rates.map((rate) => ({ type: rate.type, ratePercent: rate.ratePercent, amountMinor: amounts.get(rate)! }));
  return { exclTaxMinor: netMinor, taxes, inclTaxMinor: netMinor + sum(taxes) };
}

/** The factor a net amount is multiplied by to include every stack: the product over stacks of (1 + stack's rates). */
function grossFactor(rates: TaxRate[]): Fraction {
  let factor = fraction(1n);
  for (const stack of stacksOf(rates)) factor = multiply(factor, stack.map(share).reduce(add, fraction(1n)));
  return factor;
}

/**
 * Taxes inside a gross amount (prices entered with tax): the exact net is gross / factor, each tax is computed
 * exactly from it and rounded, and the net is what remains (gross - taxes), so net + taxes == gross to the minor unit.
 */
export function taxGross(grossMinor: bigint, rates: TaxRate[]): TaxedAmount {
  const factor = grossFactor(rates);
  const net: Fraction = fraction(grossMinor * factor.d, factor.n);
  const taxes = taxAmounts(exactTaxes(net, rates), rates);
  return { exclTaxMinor: grossMinor - sum(taxes), taxes, inclTaxMinor: grossMinor };
}
