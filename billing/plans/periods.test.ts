import { describe, expect, it } from 'vitest';
import { addIntervals, periodOf, renewalJobId } from './periods.js';

describe('plan periods', () => {
  it.each([
    ['2026-01-31T10:00:00.000Z', 'month', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', 'month', 1, '2028-02-29T10:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', 'month', 2, '2026-03-31T10:00:00.000Z'],
    ['2026-12-03T11:00:00.000Z', 'month', 1, '2027-01-03T11:00:00.000Z'],
    ['2026-12-03T11:00:00.000Z', 'month', 13, '2028-01-03T11:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', 'year', 1, '2029-02-28T00:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', 'year', 4, '2032-02-29T00:00:00.000Z'],
  ] as const)('moves %s on by %s x %i to %s, keeping the anchor day where the month has it', (anchor, interval, count, expected) => {
    expect(addIntervals(new Date(anchor), interval, count).toISOString()).toBe(expected);
  });

  it('runs period after period without a gap or an overlap, from the anchor (no drift after a short month)', () => {
    const anchor = new Date('2026-01-31T08:30:00Z');
    for (let k = 0; k < 30; k++) expect(periodOf(anchor, 'month', k).end).toEqual(periodOf(anchor, 'month', k + 1).start);
    expect(periodOf(anchor, 'month', 2).start.toISOString()).toBe('2026-03-31T08:30:00.000Z');
  });

  it('names the renewal job by subscription and period start, without the colons BullMQ refuses in an id', () => {
    const id = renewalJobId('4f1c', new Date('2026-12-03T11:00:00Z'));
    expect(id).toBe('renew-4f1c-2026-12-03T110000.000Z');
    expect(id).not.toContain(':');
  });
});
