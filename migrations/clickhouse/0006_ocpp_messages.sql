-- The OCPP message log (docs/analytics.md): one row per exchange, a CALL and its answer. direction 'in': the
-- station's CALL, answered by evcms; 'out': evcms's CALL to the station. error_code is '' for a CALLRESULT, the
-- CALLERROR's code, or 'Timeout'. request and response keep the raw frames for diagnostics, for
-- OCPP_LOG_PAYLOAD_DAYS (a column TTL, set at start); the rows stay OCPP_LOG_RETENTION_DAYS.
-- The gateway buffers lines in memory and hands them to a Redis stream in batches; the workers' sink inserts them
-- as they are. A replayed batch writes the same rows: ReplacingMergeTree keeps one per (station, at, message id,
-- direction). A charger's retry of a CALL answered already is another exchange, at another time: another row.
CREATE TABLE IF NOT EXISTS {database}.ocpp_messages
(
    station        LowCardinality(String),
    at             DateTime64(3, 'UTC'),
    message_id     String,
    direction      LowCardinality(String),
    action         LowCardinality(String),
    request_bytes  UInt32,
    response_bytes UInt32,
    latency_ms     Float32,
    error_code     LowCardinality(String),
    request        String TTL toDateTime(at) + toIntervalDay(7),
    response       String TTL toDateTime(at) + toIntervalDay(7),
    node           LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toMonday(at)
ORDER BY (station, at, message_id, direction)
TTL toDateTime(at) + toIntervalDay(180)
SETTINGS ttl_only_drop_parts = 1;

-- The sink's landing table: the stream's lines as the gateway wrote them ({s: station, t: ms, i: message id,
-- d: direction, a: action, q/r: request/response bytes, l: latency ms, e: error code, p/x: request/response
-- frames, n: node}); it stores nothing, the view below writes ocpp_messages.
CREATE TABLE IF NOT EXISTS {database}.ocpp_message_lines
(
    s String,
    t Int64,
    i String,
    d String,
    a String,
    q UInt32,
    r UInt32,
    l Float32,
    e String,
    p String DEFAULT '',
    x String DEFAULT '',
    n String DEFAULT ''
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.ocpp_message_lines_to_messages TO {database}.ocpp_messages AS
SELECT s AS station, fromUnixTimestamp64Milli(t, 'UTC') AS at, i AS message_id, d AS direction, a AS action,
       q AS request_bytes, r AS response_bytes, l AS latency_ms, e AS error_code, p AS request, x AS response, n AS node
FROM {database}.ocpp_message_lines;

-- Analysts see the exchanges without their frames (they hold drivers' credentials).
CREATE VIEW IF NOT EXISTS {database}.ocpp_message_facts AS
SELECT station, at, message_id, direction, action, request_bytes, response_bytes, latency_ms, error_code
FROM {database}.ocpp_messages FINAL;

-- Faults by vendor: the station's vendor and model (BootNotification) on each status interval. Rows written
-- before keep '' until the analytics sweep writes them again.
ALTER TABLE {database}.status_intervals ADD COLUMN IF NOT EXISTS vendor LowCardinality(String) DEFAULT '' AFTER vendor_error_code;
ALTER TABLE {database}.status_intervals ADD COLUMN IF NOT EXISTS model LowCardinality(String) DEFAULT '' AFTER vendor;

CREATE OR REPLACE VIEW {database}.status_facts AS
SELECT station, connector_id, kind, site_id, organisation_id, status, ocpp_status, error_code, vendor_error_code,
       vendor, model, operator_set, started_at, ended_at,
       dateDiff('second', started_at, coalesce(ended_at, now64(3))) AS duration_s
FROM {database}.status_intervals FINAL;

-- Peak power per station and UTC hour, kept as the meter samples arrive: a max, so a replayed sample changes
-- nothing and no FINAL is needed. The analytics' peak power reads it instead of the samples.
CREATE TABLE IF NOT EXISTS {database}.power_hours
(
    station      LowCardinality(String),
    hour         DateTime('UTC'),
    connector_id UInt16,
    peak_w       SimpleAggregateFunction(max, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (station, hour, connector_id)
TTL hour + INTERVAL 10 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.meter_values_to_power_hours TO {database}.power_hours AS
SELECT station, toStartOfHour(ts) AS hour, connector_id, max(value) AS peak_w
FROM {database}.meter_values
WHERE measurand = 'Power.Active.Import' AND phase = ''
GROUP BY station, hour, connector_id;

INSERT INTO {database}.power_hours
SELECT station, toStartOfHour(ts) AS hour, connector_id, max(value) AS peak_w
FROM {database}.meter_values
WHERE measurand = 'Power.Active.Import' AND phase = ''
GROUP BY station, hour, connector_id;
