import { minorUnits } from '../currency.js';

/**
 * Providers speak major units as decimal text ("2500" RWF, "12.50" EUR); evcms keeps integer minor units.
 * Both ways are exact string arithmetic: no floating-point number ever holds the amount.
 */

/** 250050 minor units of EUR -> "2500.50"; 2500 RWF -> "2500". */
export function majorText(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new Error(`amount ${amountMinor}: not a whole number of minor units`);
  const digits = minorUnits(currency);
  if (digits === 0) return String(amountMinor);
  const text = String(amountMinor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * "2500.5" EUR -> 250050; "2500" RWF -> 2500. Null when the text is no plain decimal, or has more decimals
 * than the currency's minor unit (beyond zeros): such an amount is not one evcms could have asked for.
 */
export function minorFromText(text: string, currency: string): number | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const digits = minorUnits(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const value = Number(`${match[1]}${fraction.padEnd(digits, '0')}`);
  return Number.isSafeInteger(value) ? value : null;
}
