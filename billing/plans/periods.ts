import type { PlanInterval } from '../../schema/entities/plan.js';

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * The anchor moved on by `count` months or years, in UTC: the anchor's day of the month, or the month's last day
 * when it has fewer (31 January + 1 month is 28 or 29 February; + 2 months is 31 March again). Pure.
 */
export function addIntervals(anchor: Date, interval: PlanInterval, count: number): Date {
  const months = interval === 'year' ? 12 * count : count;
  const total = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(anchor.getUTCDate(), daysIn(year, month));
  const at = new Date(anchor);
  at.setUTCFullYear(year, month, day);
  return at;
}

/** Period k of a subscription anchored at `anchor`: [anchor + k, anchor + k + 1). Pure. */
export function periodOf(anchor: Date, interval: PlanInterval, index: number): { start: Date; end: Date } {
  return { start: addIntervals(anchor, interval, index), end: addIntervals(anchor, interval, index + 1) };
}

/** A period's start as a BullMQ job id can carry it (no colons): 2026-12-03T110000.000Z. */
export const periodKey = (start: Date) => start.toISOString().replaceAll(':', '');

/** The job that renews a subscription when the period starting at `start` begins. */
export const renewalJobId = (subscriptionId: string, start: Date) => `renew-${subscriptionId}-${periodKey(start)}`;
