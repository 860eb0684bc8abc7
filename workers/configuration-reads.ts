import { type Job, Queue, Worker } from 'bullmq';
import { getConfiguration } from '../commands/configuration.js';
import { failureKind } from '../commands/station-commands.js';
import type { EventMap } from '../events/topics.js';
import type { Deps } from '../system/deps.js';

export const configurationReadsQueue = 'configuration-reads';

/**
 * Reads the configuration (GetConfiguration, all keys) of every station whose model has a baseline, a little
 * after each accepted BootNotification, off the OCPP path: the boot event queues a BullMQ job, one per station while one waits (its job id), run by a
 * worker a few stations at a time. The keys read are the station's last known configuration, which its baseline's
 * drift is measured against (maintenance/baselines.ts).
 */
export async function startConfigurationReads(deps: Deps, options: { delayMs: number }) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-bullmq', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(configurationReadsQueue, { connection, prefix });
  const worker = new Worker(
    configurationReadsQueue,
    async (job: Job<{ identity: string }>) => {
      const read = await getConfiguration({ commands: deps.stationCommands, orm: deps.orm }, job.data.identity, undefined, {
        actor: 'system',
      });
      return { keys: read.configurationKey?.length ?? 0 };
    },
    { connection: connection.duplicate(), prefix, concurrency: 10 },
  );
  worker.on('failed', (job, error) =>
    deps.log.warn({ identity: job?.data.identity, outcome: failureKind(error) }, 'configuration: could not read a station after its boot'),
  );
  const queueRead = async (boot: EventMap['station.boot']) => {
    if (boot.status !== 'Accepted' || !(await deps.maintenance.baselines.covers(boot.stationId, boot.model))) return;
    await queue.add(
      'read',
      { identity: boot.identity },
      { jobId: `read-${boot.stationId}`, delay: options.delayMs, removeOnComplete: true, removeOnFail: true },
    );
  };
  const unsubscribe = await deps.events.subscribe('station.boot', (boot) => {
    queueRead(boot).catch((error: unknown) =>
      deps.log.warn({ err: error, identity: boot.identity }, 'configuration: read after boot not queued'),
    );
  });
  return {
    queue,
    async close() {
      unsubscribe();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
