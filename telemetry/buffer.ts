import type { Redis } from 'ioredis';
import type { Sample } from './normalise.js';

/** A frame's samples as buffered: [ts ms, measurand, phase, location, context, unit, value]. */
export interface BufferedFrame {
  k: string;
  s: string;
  c: number;
  t: number | null;
  r: number;
  o: string;
  v: Array<[number, string, string, string, string, string, number]>;
}

/** The warehouse rows of a buffered stream entry (`frame`, or already expanded `rows`). */
export function entryRows(fields: string[]): WarehouseSample[] {
  const rows = fields.indexOf('rows');
  if (rows >= 0) return JSON.parse(fields[rows + 1] ?? '[]') as WarehouseSample[];
  const at = fields.indexOf('frame');
  if (at < 0) return [];
  const frame = JSON.parse(fields[at + 1] ?? '{}') as BufferedFrame;
  const receivedAt = new Date(frame.r).toISOString();
  return frame.v.map(([ts, measurand, phase, location, context, unit, value], i) => ({
    sample_id: `${frame.k}:${i}`,
    station: frame.s,
    connector_id: frame.c,
    transaction_id: frame.t,
    ts: new Date(ts).toISOString(),
    received_at: receivedAt,
    measurand,
    phase,
    location,
    context,
    unit,
    value,
    source: frame.o,
  }));
}

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
    // Compact on the OCPP path (one small JSON per frame); the sink expands it into rows.
    const frame: BufferedFrame = {
      k: batch.frameKey,
      s: batch.station,
      c: batch.connectorId,
      t: batch.transactionId,
      r: batch.receivedAt.getTime(),
      o: batch.source,
      v: batch.samples.map((x) => [x.ts.getTime(), x.measurand, x.phase, x.location, x.context, x.unit, x.value]),
    };
    await this.redis.xadd(this.stream, 'MAXLEN', '~', String(this.maxLength), '*', 'frame', JSON.stringify(frame));
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
