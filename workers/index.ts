import type { Deps } from '../system/deps.js';
import { startAlerts } from './alerts.js';
import { startAnalytics } from './analytics.js';
import { startBilling } from './billing.js';
import { startCardHolds } from './card-holds.js';
import { startConfigurationReads } from './configuration-reads.js';
import { startMailWorker } from './mail.js';
import { startMaintenance } from './maintenance.js';
import { startMessageLogSink } from './message-log-sink.js';
import { startPlans } from './plans.js';
import { startPayments } from './payments.js';
import { startReports } from './reports.js';
import { startTelemetrySink } from './telemetry-sink.js';
import { startWebhooks } from './webhooks.js';

/** The workers role: the telemetry sink, the BullMQ processors (maintenance, billing, plans, payments, webhooks), the alert sweep, the analytics facts, reports and the mail outbox. */
export async function startWorkers(deps: Deps) {
  const sink = await startTelemetrySink(deps, { gapMs: deps.config.TELEMETRY_FLUSH_INTERVAL * 1000 });
  const messageLog = await startMessageLogSink(deps);
  const maintenance = await startMaintenance(deps);
  const mail = await startMailWorker(deps);
  const billing = await startBilling(deps);
  const webhooks = await startWebhooks(deps);
  const alerts = deps.config.ALERTS ? await startAlerts(deps, { sweepMs: deps.config.ALERT_SWEEP_INTERVAL * 1000 }) : null;
  const plans = await startPlans(deps);
  const payments = await startPayments(deps);
  const cardHolds = await startCardHolds(deps, { sweepMs: deps.config.CARD_HOLD_SWEEP_INTERVAL * 1000 });
  const analytics = await startAnalytics(deps);
  const reports = await startReports(deps);
  const configurationReads = await startConfigurationReads(deps, { delayMs: deps.config.CONFIGURATION_READ_DELAY * 1000 });
  return {
    sink,
    messageLog,
    maintenance,
    mail,
    billing,
    webhooks,
    alerts,
    plans,
    payments,
    cardHolds,
    analytics,
    reports,
    configurationReads,
    async close() {
      await configurationReads.close();
      await reports.close();
      await analytics.close();
      await alerts?.close();
      await webhooks.close();
      await plans.close();
      await cardHolds.close();
      await payments.close();
      await billing.close();
      await mail.close();
      await maintenance.close();
      await sink.close();
      await messageLog?.close();
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
