import { type Job, Queue, Worker } from 'bullmq';
import type { BillingService } from '../billing/service.js';
import type { Deps } from '../system/deps.js';

export const billingQueue = 'billing';

/** Ended sessions still to bill, oldest first: what a missed event (Redis away, a worker down) left behind. */
export async function pendingSessions(deps: Pick<Deps, 'orm'>, limit = 500): Promise<string[]> {
  const rows = await deps.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(
      `select id from charging_session where state = 'Completed' and billing_status = 'pending' order by stopped_at nulls first limit ?`,
      [limit],
    );
  return rows.map((r) => r.id);
}

/**
 * Bills ended sessions as BullMQ jobs whose id is the session's: an ended session is queued when it ends
 * (the event) and by a sweep every `sweepMs` (whatever the event missed); a job queued twice runs once, and
 * billing is idempotent besides (billing/service.ts), so a retry or a second worker never bills twice.
 */
export async function startBilling(deps: Deps & { billing: BillingService }, options: { sweepMs?: number; concurrency?: number } = {}) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-billing', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(billingQueue, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  });
  const enqueue = (sessionId: string) => queue.add('bill-session', { sessionId }, { jobId: `session-${sessionId}` });
  const worker = new Worker(
    billingQueue,
    async (job: Job<{ sessionId?: string }>) => {
      if (job.name === 'sweep') {
        const pending = await pendingSessions(deps);
        await Promise.all(pending.map(enqueue));
        return { queued: pending.length };
      }
      if (job.name !== 'bill-session' || !job.data.sessionId) throw new Error(`unknown billing job ${job.name}`);
      const outcome = await deps.billing.bill(job.data.sessionId);
      deps.log.info({ sessionId: job.data.sessionId, outcome: outcome.kind }, 'billing: session done');
      return outcome;
    },
    { connection: connection.duplicate(), prefix, concurrency: options.concurrency ?? 4 },
  );
  worker.on('failed', (job, error) => deps.log.error({ job: job?.id, err: error }, 'billing job failed; retried'));
  const unsubscribe = await deps.events.subscribe('session.ended', (event) => {
    enqueue(event.sessionId).catch((error: unknown) => deps.log.warn({ err: error }, 'billing: not queued now; the sweep will'));
  });
  await queue.upsertJobScheduler('billing-sweep', { every: options.sweepMs ?? 30_000 }, { name: 'sweep' });
  return {
    queue,
    enqueue,
    async close() {
      unsubscribe();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
