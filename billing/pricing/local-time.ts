import type { DayOfWeek } from '../tariff-model.js';

/**
 * Wall-clock time of a site, from epoch seconds. Intl gives the zone's UTC offset at an instant; within a stretch of
 * constant offset, local time is plain arithmetic, so day and HH:MM edges are found exactly, DST changes included.
 */

export interface LocalMoment {
  /** "YYYY-MM-DD" */
  date: string;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
  weekday: DayOfWeek;
}

const DAY = 86_400;
const WEEKDAYS: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from Intl, the slow way (a few µs a call): what the hourly cache below is filled from. */
export function intlOffsetSeconds(timeZone: string, epochSeconds: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(epochSeconds * 1000))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
  return wall - epochSeconds;
}

/**
 * Offsets by zone and UTC hour: the offset at the hour's first and last second when they agree (zones change at
 * most once an hour, as offsetChanges assumes), NaN for an hour with a change in it, which goes to Intl each time.
 * Pricing asks for the offset at every period edge; a session spans a few hours. Bounded: cleared when full.
 */
const hourlyOffsets = new Map<string, Map<number, number>>();
const HOURS_KEPT = 100_000;

/** Local wall clock minus UTC at `epochSeconds`, in seconds (Europe/Paris: 3600 in winter, 7200 in summer). */
export function offsetSeconds(timeZone: string, epochSeconds: number): number {
  const hour = Math.floor(epochSeconds / 3600);
  let hours = hourlyOffsets.get(timeZone);
  if (!hours) {
    formatFor(timeZone); // an unknown zone throws here, before it is remembered
    hours = new Map();
    hourlyOffsets.set(timeZone, hours);
  }
  let offset = hours.get(hour);
  if (offset === undefined) {
    const first = intlOffsetSeconds(timeZone, hour * 3600);
    offset = first === intlOffsetSeconds(timeZone, hour * 3600 + 3599) ? first : Number.NaN;
    if (hours.size >= HOURS_KEPT) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? intlOffsetSeconds(timeZone, epochSeconds) : offset;
}

const DATES_KEPT = 100_000;
const dates = new Map<number, string>();

/** "YYYY-MM-DD" of a day counted from 1970-01-01 (day 0), remembered: many periods fall on few days. */
function dateOf(day: number): string {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY * 1000).toISOString().slice(0, 10);
    if (dates.size >= DATES_KEPT) dates.clear();
    dates.set(day, date);
  }
  return date;
}

/** The local date, minute and weekday of `epochSeconds` at a known offset. */
export function localMoment(epochSeconds: number, offset: number): LocalMoment {
  const wall = epochSeconds + offset;
  const day = Math.floor(wall / DAY);
  return {
    date: dateOf(day),
    minuteOfDay: Math.floor((wall - day * DAY) / 60),
    // 1970-01-01 was a Thursday.
    weekday: WEEKDAYS[(((day + 4) % 7) + 7) % 7]!,
  };
}

/** The first second at which the offset differs from the one at `from` (it changes once between `from` and `to`). */
function findChange(timeZone: string, from: number, to: number): number {
  const before = offsetSeconds(timeZone, from);
  let [low, high] = [from, to];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetSeconds(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** Instants in (from, to) where the zone's offset changes (DST), sampled hourly: zones change at most once an hour. */
export function offsetChanges(timeZone: string, from: number, to: number): number[] {
  const changes: number[] = [];
  for (let at = from; at < to; at += 3600) {
    const next = Math.min(at + 3600, to);
    if (offsetSeconds(timeZone, at) !== offsetSeconds(timeZone, next)) changes.push(findChange(timeZone, at, next));
  }
  return changes;
}

/**
 * Every instant in (from, to) where the local clock reads one of `minutes` (minutes after midnight; 0 is midnight,
 * a date and weekday edge), plus the offset changes themselves, where the clock jumps.
 */
export function wallClockEdges(timeZone: string, from: number, to: number, minutes: number[]): number[] {
  const changes = offsetChanges(timeZone, from, to);
  const stretches = [from, ...changes, to];
  const edges = [...changes];
  for (let i = 0; i + 1 < stretches.length; i++) {
    const [start, end] = [stretches[i]!, stretches[i + 1]!];
    const offset = offsetSeconds(timeZone, start);
    for (let day = Math.floor((start + offset) / DAY) * DAY; day <= end + offset; day += DAY) {
      for (const minute of minutes) {
        const at = day + minute * 60 - offset;
        if (at > start && at < end && at > from) edges.push(at);
      }
    }
  }
  return edges;
}
