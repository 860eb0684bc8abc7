import type { ChargingPeriod, PriceComponentType, SessionTimeline, TariffDefinition } from '../tariff-model.js';
import { localMoment, offsetSeconds } from './local-time.js';
import { toSeconds } from './meter.js';
import { boundsHold, type Moment } from './restrictions.js';
import { type Slice, sliceSession } from './slices.js';
import { planOf, type TariffPlan } from './tariff-plan.js';

/** A charging period with the facts pricing needs, in seconds and Wh. */
export interface Period {
  from: number;
  to: number;
  energyWh: number;
  charging: boolean;
  idle: boolean;
  maxPowerW: number;
  maxCurrentA: number | undefined;
  /** The element pricing each dimension that has a volume here (ENERGY always, TIME or PARKING_TIME, FLAT once). */
  elements: Partial<Record<PriceComponentType, number>>;
}

/** The tariff's elements as pricing asks about them at every slice. */
type Plan = TariffPlan['elements'];

function momentOf(slice: Slice, timeline: SessionTimeline): Moment {
  const start = toSeconds(timeline.startedAt);
  const local = localMoment(slice.from, offsetSeconds(timeline.timeZone, slice.from));
  return {
    date: local.date,
    minuteOfDay: local.minuteOfDay,
    weekday: local.weekday,
    energyWh: slice.energyFromWh,
    durationSeconds: slice.from - start,
    powerW: slice.powerW,
    currentA: slice.currentA,
  };
}

/** The first element, in order, that has a `type` component and whose restrictions all hold. */
function firstMatching(plan: Plan, type: PriceComponentType, moment: Moment): number | undefined {
  for (let index = 0; index < plan.length; index++) {
    const { types, bounds } = plan[index]!;
    if (types.has(type) && (bounds === null || boundsHold(bounds, moment))) return index;
  }
  return undefined;
}

function pricedBy(plan: Plan, slice: Slice, moment: Moment): Partial<Record<PriceComponentType, number>> {
  const elements: Partial<Record<PriceComponentType, number>> = {};
  const energy = firstMatching(plan, 'ENERGY', moment);
  if (energy !== undefined) elements.ENERGY = energy;
  const timeType = slice.charging ? 'TIME' : 'PARKING_TIME';
  const time = firstMatching(plan, timeType, moment);
  if (time !== undefined) elements[timeType] = time;
  return elements;
}

/** A slice as a period, and the element that would price FLAT there. */
function toPeriod(plan: Plan, timeline: SessionTimeline, slice: Slice): { period: Period; flat: number | undefined } {
  const moment = momentOf(slice, timeline);
  const period = {
    from: slice.from,
    to: slice.to,
    energyWh: slice.energyToWh - slice.energyFromWh,
    charging: slice.charging,
    idle: slice.idle,
    maxPowerW: slice.powerW,
    maxCurrentA: slice.currentA,
    elements: pricedBy(plan, slice, moment),
  };
  return { period, flat: firstMatching(plan, 'FLAT', moment) };
}

function samePricing(a: Period, b: Period): boolean {
  return (
    a.charging === b.charging &&
    a.idle === b.idle &&
    a.elements.ENERGY === b.elements.ENERGY &&
    a.elements.TIME === b.elements.TIME &&
    a.elements.PARKING_TIME === b.elements.PARKING_TIME
  );
}

function largest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** Neighbouring slices priced alike are one period: a cut that changes no price is not a period edge. */
function merge(periods: Period[]): Period[] {
  const merged: Period[] = [];
  for (const period of periods) {
    const last = merged.at(-1);
    if (last && samePricing(last, period)) {
      last.to = period.to;
      last.energyWh += period.energyWh;
      last.maxPowerW = Math.max(last.maxPowerW, period.maxPowerW);
      last.maxCurrentA = largest(last.maxCurrentA, period.maxCurrentA);
      if (period.elements.FLAT !== undefined) last.elements.FLAT ??= period.elements.FLAT;
    } else merged.push({ ...period, elements: { ...period.elements } });
  }
  return merged;
}

/** FLAT is priced once: in the first period where an element with a FLAT component holds. */
export function periodsOf(tariff: TariffDefinition, timeline: SessionTimeline): Period[] {
  const plan = planOf(tariff).elements;
  const periods = sliceSession(tariff, timeline).map((slice) => toPeriod(plan, timeline, slice));
  const flat = periods.find((candidate) => candidate.flat !== undefined);
  if (flat) flat.period.elements.FLAT = flat.flat;
  return merge(periods.map((candidate) => candidate.period));
}

export function secondsOf(period: Period): number {
  return period.to - period.from;
}

/** The OCPI CDR view of a period: its start, volumes and the elements that priced it. */
export function chargingPeriod(period: Period): ChargingPeriod {
  const seconds = secondsOf(period);
  const dimensions: ChargingPeriod['dimensions'] = [{ type: 'ENERGY', volume: period.energyWh }];
  dimensions.push({ type: period.charging ? 'TIME' : 'PARKING_TIME', volume: seconds });
  if (period.idle) dimensions.push({ type: 'IDLE', volume: seconds });
  if (period.elements.FLAT !== undefined) dimensions.push({ type: 'FLAT', volume: 1 });
  if (period.charging && period.maxPowerW > 0) dimensions.push({ type: 'MAX_POWER', volume: period.maxPowerW });
  if (period.charging && period.maxCurrentA !== undefined && period.maxCurrentA > 0) {
    dimensions.push({ type: 'MAX_CURRENT', volume: period.maxCurrentA });
  }
  return { startAt: new Date(period.from * 1000), dimensions, elementIndex: { ...period.elements } };
}
