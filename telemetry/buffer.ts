import type { Redis } from 'ioredis';
import type { Sample } from './normalise.js';

/** One sample as the warehouse stores it (see migrations/clickhouse/0001_meter_values.sql). */
export interface WarehouseSample {
  sample_id: string;
  station: string;
  connector_id: number;
  transaction_id: number | null;
  ts: string;
  received_at: string;
  measurand: string;
  phase: string;
  location: string;
  context: string;
  unit: string;
  value: number;
  source: string;
}

export interface SampleBatch {
  station: string;
  connectorId: number;
  transactionId: number | null;
  receivedAt: Date;
  /** MeterValues or StopTransaction. */
  source: string;
  /** Unique per frame: the station identity and the OCPP message, so a replayed frame repeats it. */
  frameKey: string;
  samples: Sample[];
}

/**
 * The durable hand-off between the gateway and the warehouse: a Redis stream. The gateway appends one
 * entry per frame (one round trip, no warehouse on the OCPP path); the telemetry sink drains it in batches.
 */
export class TelemetryBuffer {
  readonly stream: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly maxLength = 5_000_000,
  ) {
    this.stream = `${prefix}:telemetry`;
  }

  async push(batch: SampleBatch): Promise<void> {
    if (batch.samples.length === 0) return;
    const rows: WarehouseSample[] = batch.samples.map((s, i) => ({
      sample_id: `${batch.frameKey}:${i}`,
      station: batch.station,
      connector_id: batch.connectorId,
      transaction_id: batch.transactionId,
      ts: s.ts.toISOString(),
      received_at: batch.receivedAt.toISOString(),
      measurand: s.measurand,
      phase: s.phase,
      location: s.location,
      context: s.context,
      unit: s.unit,
      value: s.value,
      source: batch.source,
    }));
    await this.redis.xadd(this.stream, 'MAXLEN', '~', String(this.maxLength), '*', 'rows', JSON.stringify(rows));
  }

  /** Entries not yet written to the warehouse (waiting or being written). */
  async backlog(group = 'warehouse'): Promise<number> {
    try {
      const info = (await this.redis.xinfo('GROUPS', this.stream)) as unknown[][];
      for (const entry of info) {
        const fields = Object.fromEntries(Array.from({ length: entry.length / 2 }, (_, i) => [String(entry[i * 2]), entry[i * 2 + 1]]));
        if (fields.name === group) return Number(fields.lag ?? 0) + Number(fields.pending ?? 0);
      }
      return await this.redis.xlen(this.stream);
    } catch {
      return await this.redis.xlen(this.stream);
    }
  }
}
