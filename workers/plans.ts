import { type Job, Queue, Worker } from 'bullmq';
import type { PowerLimit } from '../billing/plans/hooks.js';
import { renewalJobId } from '../billing/plans/periods.js';
import type { Request } from '../commands/station-commands.js';
import type { Deps } from '../system/deps.js';

export const plansQueue = 'plans';

/** A plan's power limit as an OCPP 1.6 TxProfile for the session's transaction: at most `maxPowerW` from its start. */
export function txProfile(limit: PowerLimit): Request<'SetChargingProfile'> {
  const transactionId = Number(limit.transactionId);
  return {
    connectorId: limit.connectorId,
    csChargingProfiles: {
      chargingProfileId: transactionId,
      transactionId,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: limit.maxPowerW }] },
    },
  };
}

/**
 * Renews subscriptions as BullMQ jobs, one per subscription period: `renew-<subscription>-<period start>` is queued
 * to run when the period starts (the current one ends), so it runs once whatever queues it. A sweep every `sweepMs`
 * queues the periods starting before the next sweep, and brings up to date at once the subscriptions a job has
 * missed (an unpaid period, a change half-way, a crash): renewal is idempotent (billing/plans/subscriptions.ts), and
 * each fee is one ledger posting per period.
 */
export async function startPlans(deps: Deps, options: { sweepMs?: number; powerDelayMs?: number } = {}) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-plans', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const sweepMs = options.sweepMs ?? 5 * 60_000;
  const queue = new Queue(plansQueue, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 5000, removeOnFail: 5000 },
  });
  const { subscriptions } = deps.plans;
  const schedule = (subscriptionId: string, periodStart: Date) =>
    queue.add(
      'renew',
      { subscriptionId },
      { jobId: renewalJobId(subscriptionId, periodStart), delay: Math.max(0, periodStart.getTime() - Date.now()) },
    );
  const sweep = async () => {
    const now = new Date();
    let renewed = 0;
    for (const due of await subscriptions.due(now, new Date(now.getTime() + sweepMs))) {
      if (!due.overdue) await schedule(due.id, due.periodEnd);
      else {
        await subscriptions.renew(due.id, now);
        renewed += 1;
      }
    }
    return { renewed };
  };
  // A plan's power limit goes to the charger a moment after the session started (its StartTransaction answered).
  const limitPower = async (sessionId: string) => {
    const limit = await deps.plans.coverage.powerLimit(sessionId);
    if (!limit) return { sent: false };
    const response = await deps.stationCommands.send(limit.identity, 'SetChargingProfile', txProfile(limit), { actor: 'system' });
    if (response.status !== 'Accepted')
      deps.log.warn({ sessionId, status: response.status }, "plans: the charger refused the plan's power limit");
    return { sent: true, status: response.status };
  };
  const worker = new Worker(
    plansQueue,
    async (job: Job<{ subscriptionId?: string; sessionId?: string }>) => {
      if (job.name === 'sweep') return sweep();
      if (job.name === 'limit-power' && job.data.sessionId) return limitPower(job.data.sessionId);
      if (job.name !== 'renew' || !job.data.subscriptionId) throw new Error(`unknown plans job ${job.name}`);
      const outcome = await subscriptions.renew(job.data.subscriptionId);
      deps.log.info({ subscriptionId: job.data.subscriptionId, outcome }, 'plans: subscription renewed');
      return { outcome };
    },
    { connection: connection.duplicate(), prefix, concurrency: 2 },
  );
  worker.on('failed', (job, error) => deps.log.error({ job: job?.id, err: error }, 'plans job failed; retried'));
  const unsubscribe = await deps.events.subscribe('session.started', (event) => {
    queue
      .add(
        'limit-power',
        { sessionId: event.sessionId },
        { jobId: `power-${event.sessionId}`, delay: options.powerDelayMs ?? 2000, attempts: 3 },
      )
      .catch((error: unknown) => deps.log.warn({ err: error, sessionId: event.sessionId }, "plans: a plan's power limit not queued"));
  });
  await queue.upsertJobScheduler('plans-sweep', { every: sweepMs }, { name: 'sweep' });
  return {
    queue,
    schedule,
    sweep,
    async close() {
      unsubscribe();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
