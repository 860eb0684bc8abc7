import { type Job, Queue, Worker } from 'bullmq';
import { buildReport } from '../reports/build.js';
import { reportsQueue } from '../reports/queue.js';
import { scheduleReports } from '../reports/schedule.js';
import type { Deps } from '../system/deps.js';

/** How long the link in a report's mail works. */
const mailLinkHours = 72;

/**
 * Reports (reports/): `build-report` jobs, one per report (its id the job's), and `schedule-reports` every hour
 * through a job scheduler with a stable id, so however many nodes run the workers, one schedules; the schedule
 * itself makes one report per organisation, kind and period (reports/schedule.ts).
 */
export async function startReports(deps: Deps, options: { scheduleEveryMs?: number } = {}) {
  const connection = deps.redis.duplicate({ connectionName: 'evcms-bullmq', enableAutoPipelining: false, maxRetriesPerRequest: null });
  const prefix = `${deps.config.REDIS_PREFIX}:bull`;
  const queue = new Queue(reportsQueue, { connection, prefix });
  const build = { ...deps, store: deps.maintenance.store, mailLinkHours };
  const worker = new Worker(
    reportsQueue,
    async (job: Job) => {
      if (job.name === 'build-report') {
        const report = await buildReport(build, (job.data as { reportId: string }).reportId);
        return { state: report.state };
      }
      if (job.name === 'schedule-reports') return { made: (await scheduleReports({ orm: deps.orm, queue: deps.reports.queue })).length };
      throw new Error(`unknown reports job ${job.name}`);
    },
    { connection: connection.duplicate(), prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.log.error({ job: job?.name, err: error }, 'reports job failed'));
  await queue.upsertJobScheduler('schedule-reports', { every: options.scheduleEveryMs ?? 3_600_000 }, { name: 'schedule-reports' });
  return {
    queue,
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
