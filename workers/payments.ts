import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { isOpen, type PaymentState } from '../billing/payments/states.js';
import type { Deps } from '../system/deps.js';

export const paymentsQueue = 'payments';

/** What the nightly reconciliation looks back over: two days, so a night missed is still covered. */
const reconcileWindowMs = 48 * 3_600_000;

export interface PollOptions {
  /** The first wait before asking again, doubled at each ask up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** How often the sweep queues every open attempt (what an event missed, or a restart left). */
  sweepMs?: number;
  concurrency?: number;
  /** Dunning: the wait after an invoice is issued before its card is charged, and the first retry's wait. */
  collectDelayMs?: number;
  collectBackoffMs?: number;
}

/** The wait before the poll after `polls` earlier ones: exponential, capped. Pure. */
export function pollDelay(polls: number, firstDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(polls, 30));
}

/**
 * Polls open payments for their final status: one BullMQ job per attempt (its id is the payment's, so queueing it
 * twice polls once), queued when an attempt is made (payment.updated) and by a sweep; each ask reads the status
 * from the provider and applies it (billing/payments/service.ts), then the job waits longer and asks again, until
 * the attempt is final or its deadline passed. A restart loses nothing: the sweep finds the open attempts again.
 */
export async function startPayments(deps: Deps, options: PollOptions = {}) {
  const firstDelayMs = options.firstDelayMs ?? 2_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const connection = deps.redis.duplicate({ connectionName: 'evcms-payments', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(paymentsQueue, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 20, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: 5000 },
  });
  const enqueue = (paymentId: string) =>
    queue.add('poll-payment', { paymentId, polls: 0 }, { jobId: `payment-${paymentId}`, delay: firstDelayMs });

  /** Dunning: one try per run; a decline throws, so BullMQ tries again with backoff, and the last try gives up. */
  const collect = async (job: Job<{ invoiceId: string }>) => {
    const outcome = await deps.payments.collect(job.data.invoiceId, job.attemptsMade + 1);
    if (outcome.kind !== 'retry') return outcome;
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return { ...outcome, pastDue: await deps.payments.giveUp(job.data.invoiceId) };
    throw new Error(`invoice ${job.data.invoiceId} not collected: ${outcome.reason}`);
  };

  const poll = async (job: Job<{ paymentId: string; polls: number }>, token?: string) => {
    const attempt = await deps.payments.get(job.data.paymentId);
    if (!attempt || !isOpen(attempt.state)) return { state: attempt?.state ?? 'gone' };
    if (attempt.deadlineAt && attempt.deadlineAt.getTime() <= Date.now()) return { state: (await deps.payments.expire(attempt.id)).state };
    const after = await deps.payments.refresh(attempt.id, 'a poll');
    if (!isOpen(after.state)) return { state: after.state };
    const polls = job.data.polls + 1;
    await job.updateData({ ...job.data, polls });
    const until = Math.min(
      Date.now() + pollDelay(polls, firstDelayMs, maxDelayMs),
      after.deadlineAt?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    await job.moveToDelayed(until, token);
    throw new DelayedError();
  };

  const worker = new Worker(
    paymentsQueue,
    async (job: Job, token?: string) => {
      if (job.name === 'sweep') {
        const open = await deps.payments.open();
        await Promise.all(open.map(enqueue));
        return { queued: open.length };
      }
      if (job.name === 'collect') return collect(job as Job<{ invoiceId: string }>);
      if (job.name === 'reconcile') {
        const report = await deps.payments.reconcile(new Date(Date.now() - reconcileWindowMs));
        return { checked: report.checked, differences: report.differences.length };
      }
      if (job.name !== 'poll-payment' || !job.data.paymentId) throw new Error(`unknown payments job ${job.name}`);
      return poll(job as Job<{ paymentId: string; polls: number }>, token);
    },
    { connection: connection.duplicate(), prefix, concurrency: options.concurrency ?? 4 },
  );
  worker.on('failed', (job, error) => deps.log.warn({ job: job?.id, err: error }, 'payments: a poll failed; retried'));
  const unsubscribe = await deps.events.subscribe('payment.updated', (event) => {
    if (!isOpen(event.state as PaymentState)) return;
    enqueue(event.paymentId).catch((error: unknown) => deps.log.warn({ err: error }, 'payments: poll not queued now; the sweep will'));
  });
  const stopCollecting = await deps.events.subscribe('invoice.issued', (event) => {
    if (!event.payerUserId || event.totalMinor <= 0) return;
    // After the wallet settlement billing runs at once; then the card, retried 1 min, 2, 4, ... (6 tries, about an hour).
    queue
      .add(
        'collect',
        { invoiceId: event.invoiceId },
        {
          jobId: `collect-${event.invoiceId}`,
          delay: options.collectDelayMs ?? 10_000,
          attempts: 6,
          backoff: { type: 'exponential', delay: options.collectBackoffMs ?? 60_000 },
        },
      )
      .catch((error: unknown) => deps.log.warn({ err: error }, 'payments: collection not queued'));
  });
  await queue.upsertJobScheduler('payments-sweep', { every: options.sweepMs ?? 30_000 }, { name: 'sweep' });
  // Nightly: the payments changed in the last two days against the ledger (billing/payments/reconcile.ts).
  await queue.upsertJobScheduler('payments-reconcile', { pattern: '30 2 * * *', tz: 'UTC' }, { name: 'reconcile' });
  return {
    queue,
    enqueue,
    async close() {
      unsubscribe();
      stopCollecting();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
