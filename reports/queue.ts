import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The BullMQ queue reports are built from (workers/reports.ts processes it). */
export const reportsQueue = 'reports';

/** Where a report waiting to be built is handed to the workers; the job id is the report's, so adding it twice adds it once. */
export interface ReportQueue {
  add(reportId: string): Promise<void>;
  close(): Promise<void>;
}

export const reportJobId = (reportId: string) => `report-${reportId}`;

/**
 * The queue on a connection of its own, opened with the first report: BullMQ is loaded then (import()), so a
 * process that never asks for a report (the gateway) never loads it.
 */
export function bullReportQueue(redis: Redis, prefix: string): ReportQueue {
  let queue: Promise<Queue> | null = null;
  let connection: Redis | null = null;
  const open = () => {
    queue ??= import('bullmq').then(({ Queue }) => {
      connection = redis.duplicate({ connectionName: 'evcms-reports-queue', enableAutoPipelining: false });
      return new Queue(reportsQueue, { connection, prefix: `${prefix}:bull` });
    });
    return queue;
  };
  return {
    async add(reportId) {
      const q = await open();
      await q.add(
        'build-report',
        { reportId },
        { jobId: reportJobId(reportId), removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
      );
    },
    async close() {
      if (!queue) return;
      await (await queue).close();
      connection?.disconnect();
    },
  };
}
