import type { Deps } from '../system/deps.js';

export interface CardHoldWorkerOptions {
  /** How often the open card holds are swept (default 10 s): the guard's pace, and how soon a crash is mended. */
  sweepMs?: number;
}

/**
 * Card holds of ad hoc sessions (billing/payments/card-holds/): a sweep every `sweepMs` on one node at a time (a
 * Redis lock) stops held sessions near their hold, captures billed ones, releases what failed or a crash left; and
 * each new reading of a held session (session.updated) is checked at once.
 */
export async function startCardHolds(deps: Deps, options: CardHoldWorkerOptions = {}) {
  const { log, redis, cardHolds } = deps;
  const sweepMs = options.sweepMs ?? 10_000;
  const lock = `${deps.config.REDIS_PREFIX}:card-holds:sweep`;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  const sweepOnce = async () => {
    if ((await redis.set(lock, deps.nodeId, 'PX', Math.max(30_000, sweepMs * 5), 'NX')) !== 'OK') return null;
    try {
      const counts = await cardHolds.sweep();
      if (Object.keys(counts).some((kind) => kind !== 'charging' && kind !== 'waiting')) log.info(counts, 'card holds: swept');
      return counts;
    } finally {
      await redis.del(lock);
    }
  };
  const sweep = () => {
    if (stopped || running) return;
    running = sweepOnce()
      .catch((error: unknown) => log.warn({ err: error }, 'card holds: sweep failed; the next one tries again'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, sweepMs);
  const unsubscribe = await deps.events.subscribe('session.updated', (event) => {
    if (!cardHolds.watched.has(event.sessionId)) return;
    void cardHolds
      .check(event.sessionId, { identity: event.identity, transactionId: event.transactionId })
      .catch((error: unknown) => log.warn({ err: error, sessionId: event.sessionId }, 'card holds: live check failed; the sweep checks'));
  });
  return {
    /** Sweeps now and waits for it (tests): what each hold came to, counted. */
    async sweepNow() {
      await running;
      const now = sweepOnce();
      running = now;
      try {
        return await now;
      } finally {
        running = null;
      }
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
