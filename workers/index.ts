import type { Deps } from '../system/deps.js';
import { startBilling } from './billing.js';
import { startMailWorker } from './mail.js';
import { startMaintenance } from './maintenance.js';
import { startPayments } from './payments.js';
import { startTelemetrySink } from './telemetry-sink.js';

/** The workers role: the telemetry sink, the BullMQ processors (maintenance, billing, payments) and the mail outbox. */
export async function startWorkers(deps: Deps) {
  const sink = await startTelemetrySink(deps, { gapMs: deps.config.TELEMETRY_FLUSH_INTERVAL * 1000 });
  const maintenance = await startMaintenance(deps);
  const mail = await startMailWorker(deps);
  const billing = await startBilling(deps);
  const payments = await startPayments(deps);
  return {
    sink,
    maintenance,
    mail,
    billing,
    payments,
    async close() {
      await payments.close();
      await billing.close();
      await mail.close();
      await maintenance.close();
      await sink.close();
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
