import type { TariffDefinition } from '../../tariff-model.js';

/**
 * What a card is held for when the tariff names no amount: about 50 US dollars in each currency (rates of late
 * 2026, rounded), in minor units. A currency not listed has no default: its tariffs must set `holdAmountMinor`.
 */
export const defaultHolds: Readonly<Record<string, number>> = {
  EUR: 5_000,
  USD: 5_000,
  GBP: 4_000,
  CHF: 4_500,
  RWF: 70_000,
  KES: 650_000,
  UGX: 185_000,
  TZS: 13_000_000,
  ZAR: 90_000,
  NGN: 7_500_000,
  GHS: 75_000,
  XOF: 30_000,
  XAF: 30_000,
};

/** The hold of an ad hoc card session under a tariff: the tariff's own, else its currency's default, else null. Pure. */
export function holdAmount(tariff: Pick<TariffDefinition, 'currency' | 'holdAmountMinor'>): number | null {
  return tariff.holdAmountMinor ?? defaultHolds[tariff.currency] ?? null;
}

/** Share of the hold at which the running cost stops the session. */
export const stopShare = 0.9;

/**
 * Whether a held session must stop now so that its bill stays within the hold: its running cost has reached 90%
 * of it, or would pass it at the next reading if the cost grows as much as since the last check. Pure.
 */
export function mustStop(check: { costMinor: number; previousMinor: number | null; holdMinor: number }): boolean {
  const { costMinor, previousMinor, holdMinor } = check;
  if (costMinor >= holdMinor * stopShare) return true;
  const step = previousMinor === null ? 0 : Math.max(0, costMinor - previousMinor);
  return costMinor + step >= holdMinor;
}
