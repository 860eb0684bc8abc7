-- The telemetry sink's landing table: one row per buffered frame, exactly as the gateway wrote it to
-- the Redis stream ({k: frame key, s: station, c: connector, t: transaction, r: received ms, o: source,
-- v: [[ts ms, measurand, phase, location, context, unit, value], ...]}). It stores nothing (Null engine):
-- the view below expands each frame into one meter_values row per sampled value, inside ClickHouse,
-- so the sink hands the stream's text over without parsing or re-encoding it.
CREATE TABLE IF NOT EXISTS {database}.meter_frames
(
    k String,
    s String,
    c UInt16,
    t Nullable(Int32),
    r Int64,
    o String,
    v Array(Tuple(Int64, String, String, String, String, String, Float64))
)
ENGINE = Null;

-- sample_id is the frame key and the value's position in the frame: a replayed frame repeats it, and
-- ReplacingMergeTree keeps one row.
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.meter_frames_to_values TO {database}.meter_values AS
SELECT
    concat(k, ':', toString(i - 1)) AS sample_id,
    s AS station,
    c AS connector_id,
    t AS transaction_id,
    fromUnixTimestamp64Milli(x.1, 'UTC') AS ts,
    fromUnixTimestamp64Milli(r, 'UTC') AS received_at,
    x.2 AS measurand,
    x.3 AS phase,
    x.4 AS location,
    x.5 AS context,
    x.6 AS unit,
    x.7 AS value,
    o AS source
FROM {database}.meter_frames
ARRAY JOIN v AS x, arrayEnumerate(v) AS i;
