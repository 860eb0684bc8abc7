import { type Job, Queue, Worker } from 'bullmq';
import type { EventMap } from '../events/topics.js';
import type { Deps } from '../system/deps.js';
import { catchUpWebhooks } from '../webhooks/catch-up.js';
import { DeliveryFailed } from '../webhooks/deliveries.js';
import { fromBus, type WebhookEvent, type WebhookSourceTopic } from '../webhooks/events.js';

export const webhookQueue = 'webhooks';

export interface WebhookWorkerOptions {
  /** Attempts per delivery (default 8) and the first backoff (default 10 s, doubling: about 21 minutes in all). */
  attempts?: number;
  backoffMs?: number;
  /** How often the sweep re-queues stale deliveries and records what the bus missed (default 60 s). */
  sweepMs?: number;
  concurrency?: number;
}

/**
 * Delivers webhooks as BullMQ jobs whose id is the delivery's: events from the bus are recorded as deliveries
 * (one per endpoint that wants them) and queued; a job retries with exponential backoff and its last attempt
 * marks the delivery failed. A sweep queues deliveries whose job was lost and records sessions ended and
 * invoices issued that the bus dropped (webhooks/catch-up.ts).
 */
export async function startWebhooks(deps: Deps, options: WebhookWorkerOptions = {}) {
  const { log } = deps;
  const { deliveries } = deps.webhooks;
  const connection = deps.redis.duplicate({ connectionName: 'evcms-webhooks', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const attempts = options.attempts ?? 8;
  const queue = new Queue(webhookQueue, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 10_000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
  });
  const enqueue = (deliveryId: string) => queue.add('deliver', { deliveryId }, { jobId: `delivery-${deliveryId}` });
  const recordAndQueue = async (event: WebhookEvent) => {
    for (const id of await deliveries.record(event)) await enqueue(id);
  };
  const sweepMs = options.sweepMs ?? 60_000;
  const worker = new Worker(
    webhookQueue,
    async (job: Job<{ deliveryId?: string }>) => {
      if (job.name === 'sweep') {
        const recorded = await catchUpWebhooks({ orm: deps.orm, deliveries }, 86_400_000);
        const stale = await deliveries.stale(sweepMs);
        await Promise.all(stale.map(enqueue));
        return { recorded, queued: stale.length };
      }
      if (job.name !== 'deliver' || !job.data.deliveryId) throw new Error(`unknown webhook job ${job.name}`);
      return deliveries.attempt(job.data.deliveryId, { last: job.attemptsMade + 1 >= attempts });
    },
    { connection: connection.duplicate(), prefix, concurrency: options.concurrency ?? 8 },
  );
  worker.on('failed', (job, error) => {
    if (error instanceof DeliveryFailed)
      log.warn({ job: job?.id, attempt: job?.attemptsMade, err: error.message }, 'webhooks: delivery failed');
    else log.error({ job: job?.id, err: error }, 'webhooks: job failed');
  });
  const unsubscribes = await Promise.all(
    (Object.keys(fromBus) as WebhookSourceTopic[]).map((topic) =>
      deps.events.subscribe(topic, (event: EventMap[typeof topic]) => {
        const made = (fromBus[topic] as (e: typeof event) => WebhookEvent | null)(event);
        if (!made) return;
        recordAndQueue(made).catch((error: unknown) => log.warn({ err: error, topic }, 'webhooks: not recorded now; the sweep will'));
      }),
    ),
  );
  await queue.upsertJobScheduler('webhooks-sweep', { every: sweepMs }, { name: 'sweep' });
  return {
    queue,
    enqueue,
    async close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
