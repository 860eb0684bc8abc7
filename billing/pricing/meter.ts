import type { SessionTimeline } from '../tariff-model.js';

/**
 * The session's meter as pricing reads it: the energy register in whole Wh at every second, interpolated linearly
 * between readings, and the power and current the station last reported.
 *
 * The register starts at 0 at the session's start and never goes back (a reading below an earlier one is read as the
 * earlier value), readings are taken in time order, and those before the start or after the stop are ignored. Energy
 * is floored to the Wh.
 */
export interface MeterPoint {
  at: number;
  energyWh: number;
  powerW?: number;
  currentA?: number;
}

export interface Meter {
  points: MeterPoint[];
}

export function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function readMeter(timeline: SessionTimeline): Meter {
  const [start, stop] = [toSeconds(timeline.startedAt), toSeconds(timeline.stoppedAt)];
  const points: MeterPoint[] = [{ at: start, energyWh: 0 }];
  const { readings } = timeline;
  const sorted = readings.every((reading, i) => i === 0 || readings[i - 1]!.at.getTime() <= reading.at.getTime());
  const inOrder = sorted ? readings : [...readings].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const reading of inOrder) {
    const at = toSeconds(reading.at);
    if (at < start || at > stop) continue;
    const energyWh = Math.max(points.at(-1)!.energyWh, Math.floor(reading.energyWh));
    const point = { at, energyWh, powerW: reading.powerW, currentA: reading.currentA };
    if (at === points.at(-1)!.at) points[points.length - 1] = point;
    else points.push(point);
  }
  if (points.at(-1)!.at < stop) points.push({ at: stop, energyWh: points.at(-1)!.energyWh });
  return { points };
}

/** The last point at or before `at`, by index (0 before the first); points are in strictly increasing time. */
function indexAt(meter: Meter, at: number): number {
  const { points } = meter;
  let [low, high] = [0, points.length - 1];
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (points[middle]!.at <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

export function energyAt(meter: Meter, at: number): number {
  const index = indexAt(meter, at);
  const [from, to] = [meter.points[index]!, meter.points[index + 1]];
  if (!to || at <= from.at) return from.energyWh;
  return from.energyWh + Math.floor(((to.energyWh - from.energyWh) * (at - from.at)) / (to.at - from.at));
}

/** The first whole second at which the register reaches `energyWh`, or null if it never does. */
export function reachedAt(meter: Meter, energyWh: number): number | null {
  for (let i = 0; i + 1 < meter.points.length; i++) {
    const [from, to] = [meter.points[i]!, meter.points[i + 1]!];
    if (from.energyWh >= energyWh) return from.at;
    if (to.energyWh >= energyWh)
      return from.at + Math.ceil(((energyWh - from.energyWh) * (to.at - from.at)) / (to.energyWh - from.energyWh));
  }
  return meter.points.length === 1 && meter.points[0]!.energyWh >= energyWh ? meter.points[0]!.at : null;
}

/**
 * Power (W) from `at` to the next reading: what the station reported at the last reading, else the average power the
 * register shows between the two readings around `at`.
 */
export function powerAt(meter: Meter, at: number): number {
  const index = indexAt(meter, at);
  const [from, to] = [meter.points[index]!, meter.points[index + 1]];
  if (from.powerW !== undefined) return from.powerW;
  if (!to || to.at === from.at) return 0;
  return ((to.energyWh - from.energyWh) * 3600) / (to.at - from.at);
}

/** Current (A) from `at` to the next reading, as last reported; undefined when the station never said. */
export function currentAt(meter: Meter, at: number): number | undefined {
  return meter.points[indexAt(meter, at)]!.currentA;
}
