import type { DayOfWeek, TariffDefinition, TariffRestrictions } from '../tariff-model.js';
import type { LocalMoment } from './local-time.js';

/** What restrictions are checked against, at the start of a period (the period is cut wherever any of it changes). */
export interface Moment extends LocalMoment {
  /** Energy of the session so far, Wh. */
  energyWh: number;
  /** Seconds since the session started. */
  durationSeconds: number;
  /** 0 while not charging. */
  powerW: number;
  /** 0 while not charging; undefined when the station does not report current. */
  currentA: number | undefined;
}

export function minuteOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** A restriction's bounds in the units a moment has (minutes, Wh, W), worked out once per pricing, not per period. */
export interface Bounds {
  startMinute: number | undefined;
  endMinute: number | undefined;
  startDate: string | undefined;
  endDate: string | undefined;
  dayOfWeek: DayOfWeek[] | undefined;
  minWh: number | undefined;
  maxWh: number | undefined;
  minDuration: number | undefined;
  maxDuration: number | undefined;
  minW: number | undefined;
  maxW: number | undefined;
  minCurrent: number | undefined;
  maxCurrent: number | undefined;
  usesCurrent: boolean;
}

export function boundsOf(r: TariffRestrictions): Bounds {
  return {
    startMinute: r.startTime === undefined ? undefined : minuteOf(r.startTime),
    endMinute: r.endTime === undefined ? undefined : minuteOf(r.endTime),
    startDate: r.startDate,
    endDate: r.endDate,
    dayOfWeek: r.dayOfWeek,
    minWh: kwhToWh(r.minKwh),
    maxWh: kwhToWh(r.maxKwh),
    minDuration: r.minDuration,
    maxDuration: r.maxDuration,
    minW: kwToW(r.minPower),
    maxW: kwToW(r.maxPower),
    minCurrent: r.minCurrent,
    maxCurrent: r.maxCurrent,
    usesCurrent: r.minCurrent !== undefined || r.maxCurrent !== undefined,
  };
}

/** start_time inclusive, end_time exclusive; start after end wraps past midnight ("22:00" to "06:00"). */
function timeOfDayHolds(b: Bounds, minute: number): boolean {
  const { startMinute: start, endMinute: end } = b;
  if (start !== undefined && end !== undefined && start > end) return minute >= start || minute < end;
  return (start === undefined || minute >= start) && (end === undefined || minute < end);
}

/** min inclusive, max exclusive, as OCPI has it for durations (and evcms for every other bound). */
function within(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value < max);
}

/**
 * Every restriction of the element must hold (AND). Current restrictions never hold when the station reports no current:
 * an element priced on current cannot be proven to apply.
 */
export function boundsHold(b: Bounds, m: Moment): boolean {
  return (
    timeOfDayHolds(b, m.minuteOfDay) &&
    (b.startDate === undefined || m.date >= b.startDate) &&
    (b.endDate === undefined || m.date < b.endDate) &&
    (b.dayOfWeek === undefined || b.dayOfWeek.includes(m.weekday)) &&
    within(m.energyWh, b.minWh, b.maxWh) &&
    within(m.durationSeconds, b.minDuration, b.maxDuration) &&
    within(m.powerW, b.minW, b.maxW) &&
    (!b.usesCurrent || (m.currentA !== undefined && within(m.currentA, b.minCurrent, b.maxCurrent)))
  );
}

function kwhToWh(kwh: number | undefined): number | undefined {
  return kwh === undefined ? undefined : Math.round(kwh * 1000);
}

function kwToW(kw: number | undefined): number | undefined {
  return kw === undefined ? undefined : kw * 1000;
}

function allRestrictions(tariff: TariffDefinition): TariffRestrictions[] {
  return tariff.elements.flatMap((element) => (element.restrictions ? [element.restrictions] : []));
}

/** Whether any element depends on the local clock or calendar. */
export function usesWallClock(tariff: TariffDefinition): boolean {
  return allRestrictions(tariff).some((r) => r.startTime || r.endTime || r.startDate || r.endDate || r.dayOfWeek);
}

/** Minutes after local midnight where a time-of-day band opens or closes, and midnight (date and weekday edges). */
export function wallClockMinutes(tariff: TariffDefinition): number[] {
  const times = allRestrictions(tariff).flatMap((r) => [r.startTime, r.endTime]);
  return [...new Set([0, ...times.filter((time) => time !== undefined).map(minuteOf)])];
}

/** Session energies (Wh) where a kWh band opens or closes. */
export function energyThresholds(tariff: TariffDefinition): number[] {
  const bounds = allRestrictions(tariff).flatMap((r) => [kwhToWh(r.minKwh), kwhToWh(r.maxKwh)]);
  return [...new Set(bounds.filter((wh) => wh !== undefined && wh > 0))] as number[];
}

/** Session durations (s) where a duration band opens or closes. */
export function durationThresholds(tariff: TariffDefinition): number[] {
  const bounds = allRestrictions(tariff).flatMap((r) => [r.minDuration, r.maxDuration]);
  return [...new Set(bounds.filter((seconds) => seconds !== undefined && seconds > 0))] as number[];
}
