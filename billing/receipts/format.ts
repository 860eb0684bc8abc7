import { minorUnits } from '../currency.js';
import { offsetSeconds } from '../pricing/local-time.js';
import type { ReceiptLanguage } from './words.js';

/**
 * Numbers, money, energy, durations and times as receipts print them. Pure and exact: money is integer minor
 * units, printed with the currency's own number of decimals (RWF none, EUR two, KWD three), never through a float.
 * Separators follow CLDR (en 1,234.50; fr 1 234,50; rw 1.234,50), with a no-break space where CLDR has a narrow
 * one, which the PDF's standard fonts lack. Times are the site's wall clock with its UTC offset, in digits.
 */
const separators: Record<ReceiptLanguage, { group: string; decimal: string }> = {
  en: { group: ',', decimal: '.' },
  fr: { group: '\u00a0', decimal: ',' },
  rw: { group: '.', decimal: ',' },
};

const NBSP = '\u00a0';

const group = (digits: string, separator: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);

/** A decimal written with a dot ("1234.5678", as tariffs write prices), in the language's separators, every digit kept. */
export function formatDecimal(text: string, language: ReceiptLanguage): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction] = match as unknown as [string, string, string, string | undefined];
  const { group: separator, decimal } = separators[language];
  return `${sign}${group(whole, separator)}${fraction ? `${decimal}${fraction}` : ''}`;
}

/** An amount of minor units with its currency: 1180 RWF "1,180 RWF", 123456 EUR "1,234.56 EUR" (en). */
export function formatMoney(minor: number, currency: string, language: ReceiptLanguage): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`money must be a whole number of minor units, got ${minor}`);
  const digits = minorUnits(currency);
  const padded = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = padded.slice(0, padded.length - digits);
  const fraction = digits ? `.${padded.slice(padded.length - digits)}` : '';
  return `${formatDecimal(`${minor < 0 ? '-' : ''}${whole}${fraction}`, language)}${NBSP}${currency}`;
}

/** Energy in kWh with three decimals (whole Wh): 12345.4 Wh "12.345 kWh". */
export function formatEnergy(wh: number, language: ReceiptLanguage): string {
  const whole = Math.round(wh);
  const kwh = `${Math.trunc(whole / 1000)}.${String(Math.abs(whole % 1000)).padStart(3, '0')}`;
  return `${formatDecimal(kwh, language)}${NBSP}kWh`;
}

/** A duration in whole seconds, largest unit first, units as SI writes them: "1 h 05 min", "4 min 07 s", "42 s". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}${NBSP}h ${two(min)}${NBSP}min${s ? ` ${two(s)}${NBSP}s` : ''}`;
  if (min > 0) return `${min}${NBSP}min${s ? ` ${two(s)}${NBSP}s` : ''}`;
  return `${s}${NBSP}s`;
}

const wallClock = (at: Date, timeZone: string) => {
  const offset = offsetSeconds(timeZone, Math.floor(at.getTime() / 1000));
  return { iso: new Date(at.getTime() + offset * 1000).toISOString(), offset };
};

/** The day at the site: "2026-12-03". */
export function formatDate(at: Date, timeZone: string): string {
  return wallClock(at, timeZone).iso.slice(0, 10);
}

/** The site's wall clock and offset: "2026-12-03 14:05 (UTC+02:00)". */
export function formatDateTime(at: Date, timeZone: string): string {
  const { iso, offset } = wallClock(at, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  const zone = `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} (${zone})`;
}
