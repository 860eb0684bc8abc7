import type { TariffDefinition, TariffRestrictions } from '../tariff-model.js';
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

/** start_time inclusive, end_time exclusive; start after end wraps past midnight ("22:00" to "06:00"). */
function timeOfDayHolds(r: TariffRestrictions, minute: number): boolean {
  const start = r.startTime === undefined ? undefined : minuteOf(r.startTime);
  const end = r.endTime === undefined ? undefined : minuteOf(r.endTime);
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
export function restrictionsHold(r: TariffRestrictions | undefined, m: Moment): boolean {
  if (!r) return true;
  const usesCurrent = r.minCurrent !== undefined || r.maxCurrent !== undefined;
  return (
    timeOfDayHolds(r, m.minuteOfDay) &&
    (r.startDate === undefined || m.date >= r.startDate) &&
    (r.endDate === undefined || m.date < r.endDate) &&
    (r.dayOfWeek === undefined || r.dayOfWeek.includes(m.weekday)) &&
    within(m.energyWh, kwhToWh(r.minKwh), kwhToWh(r.maxKwh)) &&
    within(m.durationSeconds, r.minDuration, r.maxDuration) &&
    within(m.powerW, kwToW(r.minPower), kwToW(r.maxPower)) &&
    (!usesCurrent || (m.currentA !== undefined && within(m.currentA, r.minCurrent, r.maxCurrent)))
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
