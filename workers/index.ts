import type { Deps } from '../system/deps.js';
import { startAlerts } from './alerts.js';
import { startAnalytics } from './analytics.js';
import { startBilling } from './billing.js';
import { startMailWorker } from './mail.js';
import { startMaintenance } from './maintenance.js';
import { startPlans } from './plans.js';
import { startPayments } from './payments.js';
import { startTelemetrySink } from './telemetry-sink.js';
import { startWebhooks } from './webhooks.js';

/** The workers role: the telemetry sink, the BullMQ processors (maintenance, billing, plans, payments, webhooks), the alert sweep, the analytics facts and the mail outbox. */
export async function startWorkers(deps: Deps) {
  const sink = await startTelemetrySink(deps, { gapMs: deps.config.TELEMETRY_FLUSH_INTERVAL * 1000 });
  const maintenance = await startMaintenance(deps);
  const mail = await startMailWorker(deps);
  const billing = await startBilling(deps);
  const webhooks = await startWebhooks(deps);
  const alerts = deps.config.ALERTS ? await startAlerts(deps, { sweepMs: deps.config.ALERT_SWEEP_INTERVAL * 1000 }) : null;
  const plans = await startPlans(deps);
  const payments = await startPayments(deps);
  const analytics = await startAnalytics(deps);
  return {
    sink,
    maintenance,
    mail,
    billing,
    webhooks,
    alerts,
    plans,
    payments,
    analytics,
    async close() {
      await analytics.close();
      await alerts?.close();
      await webhooks.close();
      await plans.close();
      await payments.close();
      await billing.close();
      await mail.close();
      await maintenance.close();
      await sink.close();
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
