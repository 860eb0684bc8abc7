import type { Sample } from '../telemetry/normalise.js';
import type { Warehouse } from './client.js';

export interface SeriesPoint {
  at: Date;
  value: number;
  unit: string;
}

export interface SeriesQuery {
  station: string;
  connectorId: number;
  /** evcms's session id. */
  sessionId: string;
  /** The protocol's key: finds the samples buffered while the gateway could not tell the session. */
  transactionId: string;
  measurand: string;
  /** Width of a bucket, in seconds. */
  resolutionSeconds: number;
  from: Date;
  to: Date;
  /** '' (the total, as most stations report) or L1, L2, L3, L1-N, ... */
  phase: string;
}

/** Registers (cumulative counters) keep the last reading of a bucket; everything else is averaged. */
export const isRegister = (measurand: string) => measurand.endsWith('.Register');

const clickHouseTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * One measurand of one session, downsampled to buckets of `resolutionSeconds`. FINAL folds the
 * replayed batches the sink may have written twice; values are in the base units the sink wrote.
 */
export async function meterSeries(warehouse: Warehouse, query: SeriesQuery, maxPoints = 10_000): Promise<SeriesPoint[]> {
  const aggregate = isRegister(query.measurand) ? 'argMax(value, ts)' : 'avg(value)';
  const result = await warehouse.client.query({
    query: `
      SELECT toStartOfInterval(ts, toIntervalSecond({resolution:UInt32})) AS bucket, ${aggregate} AS value, any(unit) AS unit
      FROM ${warehouse.table('meter_values')} FINAL
      WHERE station = {station:String} AND connector_id = {connectorId:UInt16}
        AND ts >= {from:DateTime64(3, 'UTC')} AND ts <= {to:DateTime64(3, 'UTC')}
        AND (session_id = {sessionId:UUID} OR (session_id IS NULL AND transaction_id = {transactionId:String})) AND measurand = {measurand:String} AND phase = {phase:String}
      GROUP BY bucket
      ORDER BY bucket
      LIMIT {maxPoints:UInt32}`,
    query_params: {
      resolution: query.resolutionSeconds,
      station: query.station,
      connectorId: query.connectorId,
      from: clickHouseTime(query.from),
      to: clickHouseTime(query.to),
      sessionId: query.sessionId,
      transactionId: query.transactionId,
      measurand: query.measurand,
      phase: query.phase,
      maxPoints,
    },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ bucket: string; value: number; unit: string }>();
  return rows.map((r) => ({ at: new Date(`${r.bucket.replace(' ', 'T')}Z`), value: Number(r.value), unit: r.unit }));
}

/** One row of meter_values (migrations/clickhouse/0001_meter_values.sql, 0003_session_id.sql), as JSONEachRow reads and writes it. */
export interface WarehouseSample extends Omit<Sample, 'ts'> {
  sample_id: string;
  station: string;
  connector_id: number;
  session_id: string | null;
  transaction_id: string | null;
  ts: string;
  received_at: string;
  source: string;
}
