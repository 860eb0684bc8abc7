import { isPostgresUnavailable, withinDeadline } from '../database/availability.js';
import type { Orm } from '../database/orm.js';
import type { Metrics } from '../platform/metrics.js';
import type { Logger } from '../platform/logger.js';

/** The session an anomaly concerns: evcms's id when it knows the session, and the protocol's key as sent. */
export interface AnomalySession {
  sessionId?: string | null | undefined;
  transactionId?: string | null | undefined;
}

/** Records what a station sent that evcms answered but could not take at face value. */
export class AnomalyLog {
  constructor(private readonly deps: { orm: Orm; metrics: Metrics; log: Logger }) {}

  /**
   * Counted, logged and stored. While PostgreSQL is away the row is not stored (the log line and the count
   * remain): an anomaly is worth less than answering the station within its timeout.
   */
  async record(stationId: string, kind: string, detail: Record<string, unknown>, session: AnomalySession | null = null): Promise<void> {
    this.deps.metrics.anomalies.inc({ kind });
    const sessionId = session?.sessionId ?? null;
    const transactionId = session?.transactionId ?? null;
    this.deps.log.warn({ stationId, kind, sessionId, transactionId, ...detail }, `anomaly: ${kind}`);
    const insert = () =>
      this.deps.orm.em
        .fork()
        .getConnection()
        .execute(
          'insert into anomaly (station_id, session_id, transaction_id, kind, detail, received_at) values (?, ?, ?, ?, ?::jsonb, now())',
          [stationId, sessionId, transactionId, kind, JSON.stringify(detail)],
        );
    await withinDeadline(insert).catch((error: unknown) => {
      if (!isPostgresUnavailable(error)) throw error;
      this.deps.log.warn({ err: error, stationId, kind }, 'anomaly not stored: PostgreSQL away');
    });
  }
}
