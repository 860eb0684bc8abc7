import type { Deps } from '../system/deps.js';
import { startMaintenance } from './maintenance.js';
import { startTelemetrySink } from './telemetry-sink.js';

/** The workers role: the telemetry sink and the BullMQ processors. */
export async function startWorkers(deps: Deps) {
  const sink = await startTelemetrySink(deps);
  const maintenance = await startMaintenance(deps);
  return {
    sink,
    maintenance,
    async close() {
      await maintenance.close();
      await sink.close();
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
