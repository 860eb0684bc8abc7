import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry and the app's own counters; one per process (tests make their own). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const telemetrySamples = new Counter({
    name: 'evcms_telemetry_samples_total',
    help: 'Meter samples, by stage (buffered, written, dead-letter)',
    labelNames: ['stage'] as const,
    registers,
  });
  return {
    registry,
    ocppLogged: new Counter({
      name: 'evcms_ocpp_log_exchanges_total',
      help: 'OCPP exchanges for the message log, by stage (logged: in Redis; dropped: Redis away or the buffer full; written: in the warehouse)',
      labelNames: ['stage'] as const,
      registers,
    }),
    ocppConnections: new Gauge({ name: 'evcms_ocpp_connections', help: 'Open charger WebSocket connections', registers }),
    ocppMessages: new Counter({
      name: 'evcms_ocpp_messages_total',
      help: 'OCPP frames handled, by direction, action and outcome',
      labelNames: ['direction', 'action', 'outcome'] as const,
      registers,
    }),
    ocppHandlerSeconds: new Histogram({
      name: 'evcms_ocpp_handler_seconds',
      help: 'Time to answer a CALL from a charger',
      labelNames: ['action'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    ocppRejectedUpgrades: new Counter({
      name: 'evcms_ocpp_rejected_upgrades_total',
      help: 'WebSocket upgrades refused, by HTTP status',
      labelNames: ['status'] as const,
      registers,
    }),
    ocppThrottledLogins: new Counter({
      name: 'evcms_ocpp_throttled_logins_total',
      help: 'Station logins refused with HTTP 429 after too many failures, by the limit reached (pair, address, identity)',
      labelNames: ['limit'] as const,
      registers,
    }),
    telemetrySamples,
    telemetryLostEntries: new Counter({
      name: 'evcms_telemetry_lost_entries_total',
      help: 'Telemetry stream entries trimmed before the sink wrote them (their samples are lost; alert on any)',
      registers,
    }),
    /** telemetrySamples{stage="buffered"}, counted per MeterValues frame. */
    bufferedSamples: telemetrySamples.labels('buffered'),
    sessionStops: new Counter({
      name: 'evcms_session_stop_journal_total',
      help: 'StopTransactions taken while PostgreSQL was away, by stage (journalled, applied, dead-letter)',
      labelNames: ['stage'] as const,
      registers,
    }),
    stopJournalBacklog: new Gauge({
      name: 'evcms_session_stop_journal_backlog',
      help: 'StopTransactions journalled and not yet applied to PostgreSQL (as of the last drain)',
      registers,
    }),
    anomalies: new Counter({
      name: 'evcms_anomalies_total',
      help: 'Anomalies recorded, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The per-label-values child of a metric, made once and kept: prom-client otherwise hashes the label
 * object on every call, which shows on paths taken per OCPP frame.
 */
export function children<C>(metric: { labels(...values: string[]): C }): (...values: string[]) => C {
  const made = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = made.get(key);
    if (child === undefined) {
      child = metric.labels(...values);
      made.set(key, child);
    }
    return child;
  };
}
