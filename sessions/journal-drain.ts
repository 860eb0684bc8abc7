import type { AnomalyLog } from '../stations/anomalies.js';
import type { Logger } from '../platform/logger.js';
import type { SessionService } from './service.js';
import type { JournalledStop, StopApplier } from './stop-journal.js';
import type { StopOutcome } from './service.js';

/** What the StopTransaction handler records about a stop, recorded here once a journalled one is applied. */
export function stopApplier(deps: { sessions: SessionService; anomalies: AnomalyLog }): StopApplier {
  return {
    stop: (station, input) => deps.sessions.stop(station, input),
    async applied(stop: JournalledStop, outcome: StopOutcome) {
      if (outcome.kind === 'unknown') {
        await deps.anomalies.record(stop.stationId, 'unknown-transaction', {
          action: 'StopTransaction',
          transactionId: stop.transactionId,
          meterStop: stop.meterStopWh,
          journalled: true,
        });
      }
      if (outcome.kind === 'stopped') {
        for (const flag of outcome.flags) {
          await deps.anomalies.record(
            stop.stationId,
            flag,
            { meterStop: stop.meterStopWh },
            { sessionId: outcome.sessionId, transactionId: String(stop.transactionId) },
          );
        }
      }
    },
  };
}

/**
 * Drains the stop journal every `intervalMs` on this node (one drain at a time; the journal's lock keeps
 * other nodes out meanwhile). A drain that finds the journal empty costs one XLEN.
 */
export function startStopJournalDrain(
  deps: { sessions: SessionService; anomalies: AnomalyLog; log: Logger; nodeId: string },
  intervalMs = 1_000,
): { close(): Promise<void> } {
  const applier = stopApplier(deps);
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = deps.sessions.journal
      .drain(applier, deps.nodeId)
      .then((done) => {
        if (done.applied || done.deadLettered) deps.log.info(done, 'sessions: journalled stops applied');
      })
      .catch((error: unknown) => deps.log.warn({ err: error }, 'sessions: stop journal drain failed; retried next turn'))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      // A drain under way finishes (it never applies half a stop), but shutdown waits for it 2 s at most.
      await Promise.race([running, new Promise((r) => setTimeout(r, 2_000).unref())]);
    },
  };
}
