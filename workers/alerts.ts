import { queueMail } from '../auth/mail-outbox.js';
import { alertKinds, timeKinds } from '../alerts/conditions.js';
import type { AlertView } from '../alerts/service.js';
import type { Deps } from '../system/deps.js';

export interface AlertWorkerOptions {
  /** How often the conditions are evaluated (default 2 s): an alert is raised within this of its condition. */
  sweepMs?: number;
}

/**
 * Evaluates the alert conditions continuously: all of them for every station every `sweepMs` (what time alone
 * makes true: offline past the threshold, a silent session), and 200 ms after any station event that may change
 * one (a status, a boot, a connection) for the stations of those events only; on one node at a time (a Redis lock). Raised alerts are
 * mailed to the organisation's on-call addresses through the outbox.
 */
export async function startAlerts(deps: Deps, options: AlertWorkerOptions = {}) {
  const { log, redis } = deps;
  const sweepMs = options.sweepMs ?? 2000;
  const lock = `${deps.config.REDIS_PREFIX}:alerts:sweep`;
  let running: Promise<void> | null = null;
  let stopped = false;
  /** When a full sweep last looked at every condition, the event-driven ones included. */
  let lastEverything = 0;

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
  /** A full sweep (`stations` null), or one of the stations whose events came in. */
  const sweepOnce = async (stations: string[] | null) => {
    // One node sweeps at a time; the lock outlives a sweep that hangs, not a node that died.
    if ((await redis.set(lock, deps.nodeId, 'PX', Math.max(10_000, sweepMs * 5), 'NX')) !== 'OK') {
      // Another node's sweep may have begun before these events: they are looked at again.
      for (const id of stations ?? []) touched.add(id);
      return;
    }
    try {
      // A full sweep looks at the event-driven conditions (clock skew) once a minute, in case events were lost.
      const everything = stations !== null || Date.now() - lastEverything >= 60_000;
      if (stations === null && everything) lastEverything = Date.now();
      const { raised, resolved } = await deps.alerts.sweep(stations ?? undefined, everything ? alertKinds : timeKinds);
      if (raised.length || resolved.length) log.info({ raised: raised.length, resolved: resolved.length }, 'alerts: swept');
      await mail(raised);
    } finally {
      await redis.del(lock);
    }
  };
  /** Stations with events since their last sweep; and whether a full sweep is due. */
  const touched = new Set<string>();
  let fullDue = false;
  const sweep = () => {
    if (stopped || running) return;
    const full = fullDue;
    const stations = full ? null : [...touched];
    if (!full && stations?.length === 0) return;
    fullDue = false;
    touched.clear();
    running = sweepOnce(stations)
      .catch((error: unknown) => {
        for (const id of stations ?? []) touched.add(id);
        log.warn({ err: error }, 'alerts: sweep failed; the next one tries again');
      })
      .finally(() => {
        running = null;
        if (fullDue || touched.size) setTimeout(sweep, 200).unref();
      });
  };
  const timer = setInterval(() => {
    fullDue = true;
    sweep();
  }, sweepMs);
  /** A station's event: its conditions are looked at again 200 ms on (events close together share a sweep). */
  const soon = (event: { stationId: string }) => {
    const first = touched.size === 0;
    touched.add(event.stationId);
    if (first && !running) setTimeout(sweep, 200).unref();
  };
  const unsubscribes = await Promise.all([
    deps.events.subscribe('connector.status', soon),
    deps.events.subscribe('station.boot', soon),
    deps.events.subscribe('station.online', soon),
  ]);
  fullDue = true;
  sweep();
  return {
    /** Sweeps now and waits for it (tests). */
    async sweepNow() {
      await running;
      lastEverything = 0;
      await sweepOnce(null);
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      await running;
    },
  };
}
