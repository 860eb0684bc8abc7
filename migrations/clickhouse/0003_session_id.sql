-- Samples name their session by evcms's id. transaction_id becomes the protocol's key as sent (text: the
-- 1.6 int32 as decimal, or a 2.0.1 station's string id). Rows written before keep a null session_id;
-- a session's series finds them by station, connector, time and transaction_id.
ALTER TABLE {database}.meter_values ADD COLUMN IF NOT EXISTS session_id Nullable(UUID) AFTER connector_id;
ALTER TABLE {database}.meter_values MODIFY COLUMN transaction_id Nullable(String);

-- The landing table and its view are rebuilt with the new fields (u: the session id); they hold no rows.
DROP VIEW IF EXISTS {database}.meter_frames_to_values;
DROP TABLE IF EXISTS {database}.meter_frames;

CREATE TABLE IF NOT EXISTS {database}.meter_frames
(
    k String,
    s String,
    c UInt16,
    t Nullable(String),
    u Nullable(UUID),
    r Int64,
    o String,
    v Array(Tuple(Int64, String, String, String, String, String, Float64))
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.meter_frames_to_values TO {database}.meter_values AS
SELECT
    concat(k, ':', toString(i - 1)) AS sample_id,
    s AS station,
    c AS connector_id,
    u AS session_id,
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
