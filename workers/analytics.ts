import { FactWriter } from '../analytics/fact-writer.js';
import { applyRetention } from '../analytics/retention.js';
import { sweepFacts } from '../analytics/sweep.js';
import type { Deps } from '../system/deps.js';

export interface AnalyticsWorkerOptions {
  /** How long events gather before their facts are written (one PostgreSQL query and one insert per kind). */
  flushMs?: number;
  /** How often the facts are reconciled with PostgreSQL (ANALYTICS_SWEEP_INTERVAL). */
  sweepMs?: number;
}

/**
 * Writes the analytics facts from the events (a session ended or invoiced, a connector's status, a station
 * offline or back), gathered for `flushMs`, and reconciles them with PostgreSQL every `sweepMs` on one node at
 * a time, so that events the bus dropped are made up for. Every write is derived from PostgreSQL's state and
 * replaces by key: writing a fact twice (an event and the sweep) leaves one row.
 */
export async function startAnalytics(deps: Deps, options: AnalyticsWorkerOptions = {}) {
  const { log, redis, warehouse, sql } = deps;
  const flushMs = options.flushMs ?? 1000;
  const sweepMs = options.sweepMs ?? deps.config.ANALYTICS_SWEEP_INTERVAL * 1000;
  const writer = new FactWriter({ sql, warehouse, log });
  const retention = await applyRetention(warehouse, deps.config.ANALYTICS_RETENTION_DAYS);
  if (retention.length) log.info({ tables: retention, days: deps.config.ANALYTICS_RETENTION_DAYS }, 'analytics: retention set');

  let sessions = new Set<string>();
  let connectors = new Map<string, { stationId: string; connectorId: number; events: number }>();
  let connections: Array<{ stationId: string; online: boolean; at: Date }> = [];
  let flushing: Promise<void> = Promise.resolve();

  const flushOnce = async () => {
    const ids = [...sessions];
    const ports = [...connectors.values()];
    const changes = connections;
    sessions = new Set();
    connectors = new Map();
    connections = [];
    try {
      await writer.sessions(ids);
      await writer.connectors(ports);
      for (const c of changes) await writer.connection(c.stationId, c.online, c.at);
    } catch (error) {
      // The sweep writes them from PostgreSQL; offline periods it approximates (analytics/sweep.ts).
      log.warn({ err: error, sessions: ids.length, connectors: ports.length }, 'analytics: facts not written; the sweep catches up');
    }
  };
  const flush = () => {
    flushing = flushing.then(flushOnce);
    return flushing;
  };
  const timer = setInterval(flush, flushMs);

  const lock = `${deps.config.REDIS_PREFIX}:analytics:sweep`;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweepOnce = async () => {
    if ((await redis.set(lock, deps.nodeId, 'PX', Math.max(60_000, sweepMs * 2), 'NX')) !== 'OK') return null;
    try {
      const swept = await sweepFacts({ sql, warehouse, log, redis, prefix: deps.config.REDIS_PREFIX }, writer);
      if (Object.values(swept).some((n) => n > 0)) log.info(swept, 'analytics: reconciled with PostgreSQL');
      return swept;
    } finally {
      await redis.del(lock);
    }
  };
  const sweep = () => {
    sweeping = sweeping
      .then(sweepOnce)
      .catch((error: unknown) => log.warn({ err: error }, 'analytics: sweep failed; the next one tries again'));
    return sweeping;
  };
  const sweepTimer = setInterval(sweep, sweepMs);

  const unsubscribes = await Promise.all([
    deps.events.subscribe('session.ended', (e) => sessions.add(e.sessionId)),
    deps.events.subscribe('invoice.issued', (e) => sessions.add(e.sessionId)),
    deps.events.subscribe('connector.status', (e) => {
      const key = `${e.stationId}:${e.connectorId}`;
      const seen = connectors.get(key);
      if (seen) seen.events++;
      else connectors.set(key, { stationId: e.stationId, connectorId: e.connectorId, events: 1 });
    }),
    deps.events.subscribe('station.online', (e) => connections.push({ stationId: e.stationId, online: e.online, at: new Date(e.at) })),
  ]);
  sweep();

  return {
    writer,
    /** Writes what the events named so far (tests). */
    flush,
    /** Reconciles now and waits for it (tests). */
    async sweepNow() {
      await sweeping;
      return sweepOnce();
    },
    async close() {
      clearInterval(timer);
      clearInterval(sweepTimer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      await flush();
      await sweeping;
    },
  };
}
