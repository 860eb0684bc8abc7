import type { SessionTimeline, TariffDefinition } from '../tariff-model.js';
import { wallClockEdges } from './local-time.js';
import { currentAt, energyAt, type Meter, powerAt, reachedAt, readMeter, toSeconds } from './meter.js';
import { planOf } from './tariff-plan.js';

/**
 * A session cut at every instant where a price could change: readings (power, current), charging and parking
 * edges, the start of idle time, kWh and duration thresholds, and the local clock's band, midnight and DST edges.
 * Within a slice nothing a restriction reads changes, so a slice is priced by what holds at its start.
 */
export interface Slice {
  from: number;
  to: number;
  /** Session energy at `from` and at `to`, Wh. */
  energyFromWh: number;
  energyToWh: number;
  charging: boolean;
  idle: boolean;
  /** While charging; 0 otherwise. */
  powerW: number;
  currentA: number | undefined;
}

interface Interval {
  from: number;
  to: number;
}

/** Charging intervals in seconds, clipped to the session; null (no statuses) is one interval over all of it. */
function chargingIntervals(timeline: SessionTimeline, start: number, stop: number): Interval[] {
  if (timeline.charging === null) return [{ from: start, to: stop }];
  return timeline.charging
    .map((interval) => ({ from: Math.max(start, toSeconds(interval.from)), to: Math.min(stop, toSeconds(interval.to)) }))
    .filter((interval) => interval.to > interval.from);
}

/**
 * Idle time starts graceMinutes after the end of the last charging interval (the session's start if it never charged)
 * and runs, while not charging, until the stop. Without an idle fee there is no idle time.
 */
function idleStart(tariff: TariffDefinition, intervals: Interval[], start: number): number | null {
  if (!tariff.idleFee) return null;
  const lastCharge = Math.max(start, ...intervals.map((interval) => interval.to));
  return lastCharge + tariff.idleFee.graceMinutes * 60;
}

/** Energy thresholds give the register its exact value at the cut, so a "first 10 kWh" band gets 10 000 Wh, no more. */
function cuts(tariff: TariffDefinition, timeline: SessionTimeline, meter: Meter, intervals: Interval[], idleFrom: number | null) {
  const [start, stop] = [toSeconds(timeline.startedAt), toSeconds(timeline.stoppedAt)];
  const plan = planOf(tariff);
  const energyAtCut = new Map<number, number>();
  for (const threshold of plan.energyThresholds) {
    const at = reachedAt(meter, threshold);
    if (at !== null) energyAtCut.set(at, Math.max(threshold, energyAtCut.get(at) ?? 0));
  }
  const instants = [start];
  for (const point of meter.points) instants.push(point.at);
  for (const interval of intervals) instants.push(interval.from, interval.to);
  if (idleFrom !== null) instants.push(idleFrom);
  for (const seconds of plan.durationThresholds) instants.push(start + seconds);
  instants.push(...energyAtCut.keys());
  if (plan.usesWallClock) instants.push(...wallClockEdges(timeline.timeZone, start, stop, plan.wallClockMinutes));
  // In time order (a typed array sorts numbers as numbers), each instant once, within [start, stop).
  const inside: { at: number; energyWh: number }[] = [];
  let previous = Number.NaN;
  for (const at of new Float64Array(instants).sort()) {
    if (at < start || at >= stop || at === previous) continue;
    previous = at;
    inside.push({ at, energyWh: energyAtCut.get(at) ?? energyAt(meter, at) });
  }
  return inside;
}

export function sliceSession(tariff: TariffDefinition, timeline: SessionTimeline): Slice[] {
  const [start, stop] = [toSeconds(timeline.startedAt), toSeconds(timeline.stoppedAt)];
  const meter = readMeter(timeline);
  const intervals = chargingIntervals(timeline, start, stop);
  const idleFrom = idleStart(tariff, intervals, start);
  const points = cuts(tariff, timeline, meter, intervals, idleFrom);
  const finalEnergy = meter.points.at(-1)!.energyWh;
  if (points.length === 0) points.push({ at: start, energyWh: finalEnergy });
  return points.map((point, i) => {
    const next = points[i + 1];
    let charging = false;
    for (const interval of intervals) charging ||= interval.from <= point.at && point.at < interval.to;
    return {
      from: point.at,
      to: next?.at ?? Math.max(stop, start),
      energyFromWh: point.energyWh,
      energyToWh: next?.energyWh ?? finalEnergy,
      charging,
      idle: !charging && idleFrom !== null && point.at >= idleFrom,
      powerW: charging ? powerAt(meter, point.at) : 0,
      currentA: charging ? currentAt(meter, point.at) : 0,
    };
  });
}
