import { type Job, Queue, Worker } from 'bullmq';
import type { Orm } from '../database/orm.js';
import { closeLostStops } from '../sessions/lost-stops.js';
import type { Deps } from '../system/deps.js';

export const maintenanceQueue = 'maintenance';

/** Sessions whose stop never came (lost while offline) are closed by rule after `hours` of silence (sessions/lost-stops.ts). */
export async function reconcileSessions(deps: Pick<Deps, 'orm' | 'events'>, hours: number): Promise<string[]> {
  return (await closeLostStops(deps, { kind: 'silent', hours })).map((s) => s.sessionId);
}

/** Reservations past their expiry are marked Expired. */
export async function expireReservations(orm: Orm): Promise<number> {
  const expired = await orm.em
    .fork()
    .getConnection()
    .execute<{ id: number }[]>(
      `update reservation set status = 'Expired', updated_at = now() where status in ('Requested', 'Accepted') and expires_at < now() returning id`,
    );
  return expired.length;
}

/**
 * Stations held by gateway nodes that vanished without a word (a crash, a lost machine: the node's alive
 * key in Redis expired) are marked offline, and the nodes' claims on them dropped. Resolves to how many.
 */
export async function sweepVanishedGateways(deps: Pick<Deps, 'presence' | 'commands' | 'log'>): Promise<number> {
  let dropped = 0;
  for (const node of await deps.presence.gatewayNodes()) {
    if (await deps.commands.isAlive(node)) continue;
    const identities = await deps.presence.dropNode(node);
    await deps.commands.releaseFor(node, identities);
    if (identities.length)
      deps.log.warn({ node, stations: identities.length }, 'maintenance: a gateway node vanished; its stations are offline');
    dropped += identities.length;
  }
  return dropped;
}

/** Housekeeping on a schedule, as BullMQ jobs (one worker runs each, whatever the number of nodes). */
export async function startMaintenance(deps: Deps, options: { staleSessionHours?: number } = {}) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-bullmq', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(maintenanceQueue, { connection, prefix });
  const staleHours = options.staleSessionHours ?? 48;
  const worker = new Worker(
    maintenanceQueue,
    async (job: Job) => {
      if (job.name === 'reconcile-sessions') {
        const closed = await reconcileSessions(deps, staleHours);
        if (closed.length) deps.log.warn({ sessions: closed }, 'maintenance: closed sessions whose stop never came');
        return { closed: closed.length };
      }
      if (job.name === 'expire-reservations') return { expired: await expireReservations(deps.orm) };
      if (job.name === 'sweep-vanished-gateways') return { offline: await sweepVanishedGateways(deps) };
      // Remote maintenance (maintenance/): campaigns stepped on, diagnostics past their deadline or retention swept.
      if (job.name === 'firmware-campaigns') return deps.maintenance.campaigns.tickAll();
      if (job.name === 'diagnostics-sweep') return deps.maintenance.diagnostics.sweep();
      throw new Error(`unknown maintenance job ${job.name}`);
    },
    { connection: connection.duplicate(), prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.log.error({ job: job?.name, err: error }, 'maintenance job failed'));
  await queue.upsertJobScheduler('reconcile-sessions', { every: 15 * 60_000 }, { name: 'reconcile-sessions' });
  await queue.upsertJobScheduler('expire-reservations', { every: 60_000 }, { name: 'expire-reservations' });
  await queue.upsertJobScheduler('sweep-vanished-gateways', { every: 30_000 }, { name: 'sweep-vanished-gateways' });
  const tick = deps.config.FIRMWARE_CAMPAIGN_TICK * 1000;
  await queue.upsertJobScheduler('firmware-campaigns', { every: tick }, { name: 'firmware-campaigns' });
  await queue.upsertJobScheduler('diagnostics-sweep', { every: 60_000 }, { name: 'diagnostics-sweep' });
  return {
    queue,
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
