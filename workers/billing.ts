import { type Job, Queue, Worker } from 'bullmq';
import type { BillingService } from '../billing/service.js';
import { oneAtATime } from '../database/sql.js';
import type { Deps } from '../system/deps.js';
import { billPending, type SweepOptions, type SweepResult } from './billing-sweep.js';

export const billingQueue = 'billing';

/**
 * Bills ended sessions: each as a BullMQ job whose id is the session's, queued when it ends (the event), and
 * every `sweepMs` a sweep that bills in batches whatever is still pending (what the event missed, a backlog;
 * workers/billing-sweep.ts). A job queued twice runs once, and billing is idempotent besides
 * (billing/service.ts), so a retry, the sweep or a second worker never bills twice.
 */
export async function startBilling(
  deps: Deps & { billing: BillingService },
  options: { sweepMs?: number; concurrency?: number; sweep?: SweepOptions } = {},
) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-billing', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(billingQueue, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  });
  const enqueue = (sessionId: string) => queue.add('bill-session', { sessionId }, { jobId: `session-${sessionId}` });
  // One sweep at a time in this process: the scheduled one and sweepNow.
  const sweep = oneAtATime(() => billPending(deps, options.sweep));
  const worker = new Worker(
    billingQueue,
    async (job: Job<{ sessionId?: string }>) => {
      if (job.name === 'sweep') {
        const result = await sweep();
        if (result.sessions) deps.log.info(result, 'billing: sweep done');
        return result;
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
    /** Bills what is pending now, in batches, and resolves to what it did. */
    sweepNow: (): Promise<SweepResult> => sweep(),
    async close() {
      unsubscribe();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
