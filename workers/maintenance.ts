import { type Job, Queue, Worker } from 'bullmq';
import type { Deps } from '../system/deps.js';

export const maintenanceQueue = 'maintenance';

/**
 * Housekeeping on a schedule: sessions whose stop never arrived are closed by rule, reservations
 * past their expiry are marked Expired.
 */
export async function startMaintenance(deps: Deps, options: { staleSessionHours?: number } = {}) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-bullmq', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(maintenanceQueue, { connection, prefix });
  const staleHours = options.staleSessionHours ?? 48;
  const worker = new Worker(
    maintenanceQueue,
    async (job: Job) => {
      const sql = deps.orm.em.fork().getConnection();
      if (job.name === 'reconcile-sessions') {
        const closed = await sql.execute<{ id: number }[]>(
          `update charging_transaction set state = 'Completed', stop_reason = 'Reconciled', stop_received_at = now(),
             energy_wh = live_energy_wh, flags = flags || '["stop-lost"]'::jsonb, updated_at = now()
           where state = 'Active' and coalesce(last_meter_at, started_at) < now() - make_interval(hours => ?)
           returning id`,
          [staleHours],
        );
        if (closed.length) deps.log.warn({ sessions: closed.map((r) => r.id) }, 'maintenance: closed sessions whose stop never came');
        return { closed: closed.length };
      }
      if (job.name === 'expire-reservations') {
        const expired = await sql.execute<{ id: number }[]>(
          `update reservation set status = 'Expired', updated_at = now() where status in ('Requested', 'Accepted') and expires_at < now() returning id`,
        );
        return { expired: expired.length };
      }
      throw new Error(`unknown maintenance job ${job.name}`);
    },
    { connection: connection.duplicate(), prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.log.error({ job: job?.name, err: error }, 'maintenance job failed'));
  await queue.upsertJobScheduler('reconcile-sessions', { every: 15 * 60_000 }, { name: 'reconcile-sessions' });
  await queue.upsertJobScheduler('expire-reservations', { every: 60_000 }, { name: 'expire-reservations' });
  return {
    queue,
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
