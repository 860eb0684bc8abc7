-- Every sampled value a station reported (MeterValues and StopTransaction.transactionData),
-- normalised to base units. A replayed batch carries the same sample_id and is deduplicated.
CREATE TABLE IF NOT EXISTS {database}.meter_values
(
    sample_id      String,
    station        LowCardinality(String),
    connector_id   UInt16,
    transaction_id Nullable(Int32),
    ts             DateTime64(3, 'UTC'),
    received_at    DateTime64(3, 'UTC'),
    measurand      LowCardinality(String),
    phase          LowCardinality(String),
    location       LowCardinality(String),
    context        LowCardinality(String),
    unit           LowCardinality(String),
    value          Float64,
    source         LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (station, connector_id, ts, measurand, phase, location, sample_id)
TTL toDateTime(ts) + INTERVAL 5 YEAR
SETTINGS non_replicated_deduplication_window = 10000;
