-- Analytics facts (analytics/, docs/analytics.md). Rows are sorted by station first, so a granule holds one or
-- two stations' rows: the set indexes on site and organisation skip the rest of a question about one of them. Every row is derived from PostgreSQL's state by the
-- analytics writer (from events) and its sweep (from PostgreSQL itself), so a row written twice is the
-- same row: ReplacingMergeTree keeps the newest version of each sort key, and queries read with FINAL.

-- One row per ended session. revenue_minor and currency are filled once the session's invoice is issued
-- (the row is written again, with a higher version).
CREATE TABLE IF NOT EXISTS {database}.sessions
(
    session_id       UUID,
    station          LowCardinality(String),
    station_id       UUID,
    connector_id     UInt16,
    site_id          Nullable(UUID),
    organisation_id  Nullable(UUID),
    time_zone        LowCardinality(String),
    driver           String,
    credential_type  LowCardinality(String),
    started_at       DateTime64(3, 'UTC'),
    ended_at         DateTime64(3, 'UTC'),
    energy_wh        Int64,
    charging_seconds UInt32,
    idle_seconds     UInt32,
    stop_reason      LowCardinality(String),
    success          UInt8,
    revenue_minor    Int64,
    currency         LowCardinality(String),
    version          UInt64,
    INDEX site_index site_id TYPE set(64) GRANULARITY 1,
    INDEX organisation_index organisation_id TYPE set(64) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (station, started_at, session_id)
TTL toDateTime(started_at) + INTERVAL 10 YEAR;

-- A connector's state over time: every StatusNotification (kind 'status') as an interval from its time to
-- the next one's (ended_at null while it is the current one), and every period its station was offline
-- (kind 'offline', connector_id 0). operator_set: an Unavailable the operator asked for (ChangeAvailability).
CREATE TABLE IF NOT EXISTS {database}.status_intervals
(
    station           LowCardinality(String),
    station_id        UUID,
    connector_id      UInt16,
    kind              LowCardinality(String),
    site_id           Nullable(UUID),
    organisation_id   Nullable(UUID),
    status            LowCardinality(String),
    ocpp_status       LowCardinality(String),
    error_code        LowCardinality(String),
    vendor_error_code String,
    operator_set      UInt8,
    started_at        DateTime64(3, 'UTC'),
    ended_at          Nullable(DateTime64(3, 'UTC')),
    version           UInt64,
    INDEX site_index site_id TYPE set(64) GRANULARITY 1,
    INDEX organisation_index organisation_id TYPE set(64) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (station, connector_id, kind, started_at)
TTL toDateTime(started_at) + INTERVAL 10 YEAR;

-- Outage exclusions the operator recorded (PostgreSQL's outage_exclusion, copied here so that uptime is
-- computed in the warehouse). connector_id 0: the whole station. deleted: withdrawn.
CREATE TABLE IF NOT EXISTS {database}.outage_exclusions
(
    exclusion_id    UUID,
    station         LowCardinality(String),
    connector_id    UInt16,
    organisation_id Nullable(UUID),
    cause           LowCardinality(String),
    started_at      DateTime64(3, 'UTC'),
    ended_at        DateTime64(3, 'UTC'),
    deleted         UInt8,
    version         UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (station, exclusion_id);

-- Hourly split of each session: the share of its energy and time in each UTC hour it overlaps (a session from
-- 23:30 to 00:30 has a row in both hours; one ending on the hour has none in the next). Keyed by session and hour, so a rewritten session replaces its rows.
CREATE TABLE IF NOT EXISTS {database}.session_hours
(
    hour            DateTime('UTC'),
    station         LowCardinality(String),
    connector_id    UInt16,
    site_id         Nullable(UUID),
    organisation_id Nullable(UUID),
    session_id      UUID,
    driver          String,
    started_in_hour UInt8,
    success         UInt8,
    energy_wh       Float64,
    seconds         UInt32,
    version         UInt64,
    INDEX site_index site_id TYPE set(64) GRANULARITY 1,
    INDEX organisation_index organisation_id TYPE set(64) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (station, hour, connector_id, session_id)
TTL hour + INTERVAL 10 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.sessions_to_hours TO {database}.session_hours AS
SELECT
    h AS hour,
    station,
    connector_id,
    site_id,
    organisation_id,
    session_id,
    driver,
    toUInt8(h = toStartOfHour(started_at)) AS started_in_hour,
    success,
    energy_wh * overlap / greatest(total, 1) AS energy_wh,
    toUInt32(round(overlap)) AS seconds,
    version
FROM
(
    SELECT *,
        toFloat64(dateDiff('millisecond', started_at, ended_at)) / 1000 AS total,
        arrayJoin(arrayMap(i -> toStartOfHour(started_at) + toIntervalHour(i),
            range(toUInt32(dateDiff('hour', toStartOfHour(started_at), toStartOfHour(greatest(started_at, ended_at - toIntervalMillisecond(1)))) + 1)))) AS h,
        toFloat64(dateDiff('millisecond', greatest(started_at, toDateTime64(h, 3, 'UTC')),
            least(ended_at, toDateTime64(h + toIntervalHour(1), 3, 'UTC')))) / 1000 AS overlap
    FROM {database}.sessions
    WHERE ended_at >= started_at
);

-- Hourly split of each closed status interval: seconds occupied, charging and out of order per connector hour.
CREATE TABLE IF NOT EXISTS {database}.status_hours
(
    hour            DateTime('UTC'),
    station         LowCardinality(String),
    connector_id    UInt16,
    kind            LowCardinality(String),
    site_id         Nullable(UUID),
    organisation_id Nullable(UUID),
    interval_start  DateTime64(3, 'UTC'),
    status          LowCardinality(String),
    occupied_s      UInt32,
    charging_s      UInt32,
    faulted_s       UInt32,
    seconds         UInt32,
    version         UInt64,
    INDEX site_index site_id TYPE set(64) GRANULARITY 1,
    INDEX organisation_index organisation_id TYPE set(64) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (station, hour, connector_id, kind, interval_start)
TTL hour + INTERVAL 10 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.status_to_hours TO {database}.status_hours AS
SELECT
    h AS hour,
    station,
    connector_id,
    kind,
    site_id,
    organisation_id,
    started_at AS interval_start,
    status,
    toUInt32(if(status = 'Occupied', s, 0)) AS occupied_s,
    toUInt32(if(ocpp_status = 'Charging', s, 0)) AS charging_s,
    toUInt32(if(status = 'Faulted', s, 0)) AS faulted_s,
    toUInt32(s) AS seconds,
    version
FROM
(
    SELECT *,
        assumeNotNull(ended_at) AS until,
        arrayJoin(arrayMap(i -> toStartOfHour(started_at) + toIntervalHour(i),
            range(toUInt32(dateDiff('hour', toStartOfHour(started_at), toStartOfHour(greatest(started_at, until - toIntervalMillisecond(1)))) + 1)))) AS h,
        round(toFloat64(dateDiff('millisecond', greatest(started_at, toDateTime64(h, 3, 'UTC')),
            least(until, toDateTime64(h + toIntervalHour(1), 3, 'UTC')))) / 1000) AS s
    FROM {database}.status_intervals
    WHERE ended_at IS NOT NULL AND ended_at >= started_at
);
