import { describe, expect, it } from 'vitest';
import { intlOffsetSeconds, localMoment, offsetSeconds } from './local-time.js';

describe('local time', () => {
  // Zones whose offsets change on the hour, at the half hour (Lord Howe: by 30 minutes, at 02:00 local), by an hour at
  // 45 past (Kathmandu never does), and once by a whole day (Apia skipped 30 December 2011): the 2011 changes.
  const changes: Record<string, string[]> = {
    'Europe/Paris': ['2011-03-27T01:00Z', '2011-10-30T01:00Z'],
    'Australia/Lord_Howe': ['2011-04-02T15:00Z', '2011-10-01T15:30Z'],
    'America/St_Johns': ['2011-03-13T03:31Z', '2011-11-06T02:31Z'],
    'Pacific/Apia': ['2011-04-02T14:00Z', '2011-09-24T14:00Z', '2011-12-30T10:00Z'],
    'Asia/Kathmandu': ['2011-06-01T00:00Z'],
    'Africa/Kigali': ['2011-06-01T00:00Z'],
    UTC: ['2011-06-01T00:00Z'],
  };

  it('gives the offset Intl gives, from its hourly cache, around every change and across the year', () => {
    const year = Date.UTC(2011, 0, 1) / 1000;
    for (const [zone, instants] of Object.entries(changes)) {
      const around = instants.flatMap((instant) => {
        const at = Date.parse(instant) / 1000;
        return Array.from({ length: 800 }, (_, i) => at - 36 * 3600 + i * 163);
      });
      const yearly = Array.from({ length: 1460 }, (_, i) => year + i * (6 * 3600 + 7 * 60 + 7));
      const wrong = [...around, ...yearly].filter((at) => offsetSeconds(zone, at) !== intlOffsetSeconds(zone, at));
      expect({ zone, wrong: wrong.slice(0, 3).map((at) => new Date(at * 1000).toISOString()) }).toEqual({ zone, wrong: [] });
    }
  });

  it('reads the date, minute and weekday of the wall clock', () => {
    // 2026-03-29 00:59:59 UTC is 01:59:59 in Paris, a Sunday; before 1970 too.
    expect(localMoment(Date.UTC(2026, 2, 29, 0, 59, 59) / 1000, 3600)).toEqual({ date: '2026-03-29', minuteOfDay: 119, weekday: 'SUNDAY' });
    expect(localMoment(Date.UTC(1969, 11, 31, 23, 30) / 1000, 3600)).toEqual({ date: '1970-01-01', minuteOfDay: 30, weekday: 'THURSDAY' });
    expect(localMoment(Date.UTC(1969, 11, 31, 22, 0) / 1000, 0)).toEqual({ date: '1969-12-31', minuteOfDay: 1320, weekday: 'WEDNESDAY' });
  });
});
