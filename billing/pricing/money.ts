/**
 * Exact money: decimal strings become BigInt fractions, and a fraction becomes minor units only once, per line.
 *
 * Rounding rule: half-up, away from zero. A fraction is rounded to the nearest integer; exactly .5 goes away from
 * zero (2.5 -> 3, -2.5 -> -3). It is applied once per line amount and once per tax amount, never to intermediate
 * products, so no floating-point number ever holds money.
 */

/** n / d, with d > 0. */
export interface Fraction {
  n: bigint;
  d: bigint;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Prices and rates a tariff quotes, parsed: a tariff has few, and every line and tax reads them. Fractions are never changed. */
const parsed = new Map<string, Readonly<Fraction>>();
const PARSED_KEPT = 10_000;

/** "0.2345" -> 2345/10000, exactly. */
export function parseDecimal(text: string): Fraction {
  const known = parsed.get(text);
  if (known) return known;
  if (!isDecimal(text)) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const [whole = '0', fraction = ''] = text.split('.');
  const value = { n: BigInt(whole + fraction), d: 10n ** BigInt(fraction.length) };
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(text, value);
  return value;
}

export function fraction(n: bigint, d = 1n): Fraction {
  return d < 0n ? { n: -n, d: -d } : { n, d };
}

export function add(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

export function multiply(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.n, d: a.d * b.d };
}

export function divide(a: Fraction, b: Fraction): Fraction {
  return fraction(a.n * b.d, a.d * b.n);
}

/** The rounding rule above: nearest integer, .5 away from zero. */
export function roundHalfUp(value: Fraction): bigint {
  const magnitude = value.n < 0n ? -value.n : value.n;
  const quotient = magnitude / value.d;
  const rounded = (magnitude % value.d) * 2n >= value.d ? quotient + 1n : quotient;
  return value.n < 0n ? -rounded : rounded;
}

/** 10^digits, the number of minor units in one major unit. */
export function minorPerMajor(digits: number): bigint {
  return 10n ** BigInt(digits);
}
