import { queueMail } from '../auth/mail-outbox.js';
import type { AlertView } from '../alerts/service.js';
import type { Deps } from '../system/deps.js';

export interface AlertWorkerOptions {
  /** How often the conditions are evaluated (default 2 s): an alert is raised within this of its condition. */
  sweepMs?: number;
}

/**
 * Evaluates the alert conditions continuously: every `sweepMs`, and soon after any station event that may
 * change one (a status, a boot, a connection), on one node at a time (a Redis lock). Raised alerts are
 * mailed to the organisation's on-call addresses through the outbox.
 */
export async function startAlerts(deps: Deps, options: AlertWorkerOptions = {}) {
  const { log, redis } = deps;
  const sweepMs = options.sweepMs ?? 2000;
  const lock = `${deps.config.REDIS_PREFIX}:alerts:sweep`;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  /** The raised alerts to their organisations' on-call addresses: one look per organisation, one flush. */
  const mail = async (raised: AlertView[]) => {
    const emails = new Map<string, string[]>();
    for (const { organisationId } of raised)
      if (!emails.has(organisationId)) emails.set(organisationId, await deps.alerts.emailsOf(organisationId));
    const em = deps.orm.em.fork();
    for (const alert of raised)
      for (const to of emails.get(alert.organisationId) ?? [])
        queueMail(em, to, 'alert-raised', {
          severity: alert.severity,
          kind: alert.kind,
          station: alert.stationIdentity,
          message: alert.message,
          raisedAt: alert.raisedAt.toISOString(),
          alertId: alert.id,
        });
    await em.flush();
  };
  const sweepOnce = async () => {
    // One node sweeps at a time; the lock outlives a sweep that hangs, not a node that died.
    if ((await redis.set(lock, deps.nodeId, 'PX', Math.max(10_000, sweepMs * 5), 'NX')) !== 'OK') return;
    try {
      const { raised, resolved } = await deps.alerts.sweep();
      if (raised.length || resolved.length) log.info({ raised: raised.length, resolved: resolved.length }, 'alerts: swept');
      await mail(raised);
    } finally {
      await redis.del(lock);
    }
  };
  const sweep = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = sweepOnce()
      .catch((error: unknown) => log.warn({ err: error }, 'alerts: sweep failed; the next one tries again'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          setTimeout(sweep, 200).unref();
        }
      });
  };
  const timer = setInterval(sweep, sweepMs);
  const soon = () => {
    again = true;
    if (!running) setTimeout(sweep, 200).unref();
  };
  const unsubscribes = await Promise.all([
    deps.events.subscribe('connector.status', soon),
    deps.events.subscribe('station.boot', soon),
    deps.events.subscribe('station.online', soon),
  ]);
  sweep();
  return {
    /** Sweeps now and waits for it (tests). */
    async sweepNow() {
      await running;
      await sweepOnce();
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      await running;
    },
  };
}
