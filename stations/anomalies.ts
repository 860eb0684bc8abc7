import type { Orm } from '../database/orm.js';
import type { Metrics } from '../system/metrics.js';
import type { Logger } from '../system/logger.js';

/** Records what a station sent that evcms answered but could not take at face value. */
export class AnomalyLog {
  constructor(private readonly deps: { orm: Orm; metrics: Metrics; log: Logger }) {}

  async record(stationId: string, kind: string, detail: Record<string, unknown>, transactionId: number | null = null): Promise<void> {
    this.deps.metrics.anomalies.inc({ kind });
    this.deps.log.warn({ stationId, kind, transactionId, ...detail }, `anomaly: ${kind}`);
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute('insert into anomaly (station_id, transaction_id, kind, detail, received_at) values (?, ?, ?, ?::jsonb, now())', [
        stationId,
        transactionId,
        kind,
        JSON.stringify(detail),
      ]);
  }
}
