import type { Warehouse } from '../warehouse/client.js';
import { ask } from './run.js';
import { AnalyticsError, checkWindow, clickHouseTime, type Scope, scopeCondition, type Window } from './scope.js';

/** Sessions whose value lies in [from, to); the last bucket is open (to null): everything from its start up. */
export interface HistogramBucket {
  from: number;
  to: number | null;
  sessions: number;
}

export interface SessionDistribution {
  /** Energy delivered, in Wh, buckets of energyStepWh. */
  energy: HistogramBucket[];
  /** Plugged-in time (start to stop), in minutes, buckets of durationStepMinutes. */
  duration: HistogramBucket[];
}

export interface DistributionSteps {
  energyStepWh: number;
  durationStepMinutes: number;
  /** Buckets per histogram at most: the last one takes in everything above. */
  buckets: number;
}

export const defaultSteps: DistributionSteps = { energyStepWh: 5000, durationStepMinutes: 30, buckets: 20 };

function checkSteps(steps: DistributionSteps): void {
  const whole = (name: keyof DistributionSteps, min: number, max: number) => {
    const value = steps[name];
    if (!Number.isInteger(value) || value < min || value > max) throw new AnalyticsError(`${name}: expected ${min} to ${max}`, name);
  };
  whole('energyStepWh', 100, 1_000_000);
  whole('durationStepMinutes', 1, 1440);
  whole('buckets', 2, 100);
}

/** Every bucket of a histogram from 0 to the last, those without sessions included. */
function fill(rows: Array<{ bucket: number; sessions: number }>, step: number, buckets: number): HistogramBucket[] {
  const counts = new Map(rows.map((r) => [Number(r.bucket), Number(r.sessions)]));
  const last = Math.max(-1, ...counts.keys());
  return Array.from({ length: last + 1 }, (_, i) => ({
    from: i * step,
    to: i === buckets - 1 ? null : (i + 1) * step,
    sessions: counts.get(i) ?? 0,
  }));
}

/**
 * Histograms of the energy and the duration of the sessions that started in the window, counted in the warehouse:
 * each session in the bucket intDiv(value, step), the ones past the last bucket in the last.
 */
export async function sessionDistribution(
  warehouse: Warehouse,
  scope: Scope,
  window: Omit<Window, 'timeZone'>,
  steps: DistributionSteps = defaultSteps,
): Promise<SessionDistribution> {
  checkWindow({ ...window, timeZone: 'UTC' }, undefined, 732 * 86_400_000);
  checkSteps(steps);
  const where = scopeCondition(scope);
  const answer = await ask<{ histogram: 'energy' | 'duration'; bucket: number; sessions: number }>(
    warehouse,
    `SELECT pair.1 AS histogram, least(pair.2, {last:UInt32}) AS bucket, count() AS sessions
     FROM
     (
       SELECT intDiv(greatest(energy_wh, 0), {energyStep:UInt32}) AS e,
              intDiv(greatest(dateDiff('second', started_at, ended_at), 0), {durationStep:UInt32} * 60) AS d
       FROM {db}.sessions FINAL
       WHERE ${where.sql} AND started_at >= toDateTime64({from:String}, 3, 'UTC') AND started_at < toDateTime64({to:String}, 3, 'UTC')
     )
     ARRAY JOIN [('energy', e), ('duration', d)] AS pair
     GROUP BY histogram, bucket
     ORDER BY histogram, bucket`,
    {
      ...where.params,
      from: clickHouseTime(window.from),
      to: clickHouseTime(window.to),
      energyStep: steps.energyStepWh,
      durationStep: steps.durationStepMinutes,
      last: steps.buckets - 1,
    },
  );
  const of = (histogram: string) => answer.data.filter((r) => r.histogram === histogram);
  return {
    energy: fill(of('energy'), steps.energyStepWh, steps.buckets),
    duration: fill(of('duration'), steps.durationStepMinutes, steps.buckets),
  };
}
