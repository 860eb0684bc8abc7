-- The views analysts query (docs/analytics.md): the facts as they stand (replays folded with FINAL),
-- drivers as a hash rather than their credential, and the hourly and daily aggregates per connector,
-- station and site (UTC buckets; the API buckets in the site's time zone).

CREATE VIEW IF NOT EXISTS {database}.session_facts AS
SELECT session_id, station, connector_id, site_id, organisation_id, time_zone, cityHash64(driver) AS driver_key,
       credential_type, started_at, ended_at, energy_wh, charging_seconds, idle_seconds, stop_reason, success,
       revenue_minor, currency
FROM {database}.sessions FINAL;

CREATE VIEW IF NOT EXISTS {database}.status_facts AS
SELECT station, connector_id, kind, site_id, organisation_id, status, ocpp_status, error_code, vendor_error_code,
       operator_set, started_at, ended_at,
       dateDiff('second', started_at, coalesce(ended_at, now64(3))) AS duration_s
FROM {database}.status_intervals FINAL;

CREATE VIEW IF NOT EXISTS {database}.exclusion_facts AS
SELECT exclusion_id, station, connector_id, organisation_id, cause, started_at, ended_at
FROM {database}.outage_exclusions FINAL
WHERE deleted = 0;

CREATE VIEW IF NOT EXISTS {database}.connector_hourly AS
SELECT s.hour AS hour, s.station AS station, s.connector_id AS connector_id, s.site_id AS site_id,
       s.organisation_id AS organisation_id, s.sessions AS sessions, s.energy_wh AS energy_wh,
       coalesce(t.occupied_s, 0) AS occupied_s, coalesce(t.charging_s, 0) AS charging_s, coalesce(t.faulted_s, 0) AS faulted_s
FROM
(
    SELECT hour, station, connector_id, any(site_id) AS site_id, any(organisation_id) AS organisation_id,
           countIf(started_in_hour = 1) AS sessions, sum(energy_wh) AS energy_wh
    FROM {database}.session_hours FINAL
    GROUP BY hour, station, connector_id
) AS s
FULL OUTER JOIN
(
    SELECT hour, station, connector_id, sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(faulted_s) AS faulted_s
    FROM {database}.status_hours FINAL
    WHERE kind = 'status'
    GROUP BY hour, station, connector_id
) AS t USING (hour, station, connector_id);

CREATE VIEW IF NOT EXISTS {database}.station_daily AS
SELECT toDate(hour) AS day, station, any(site_id) AS site_id, any(organisation_id) AS organisation_id,
       countIf(started_in_hour = 1) AS sessions, sum(energy_wh) AS energy_wh,
       uniqExact(driver) AS unique_drivers, countIf(started_in_hour = 1 AND success = 1) AS successful_sessions
FROM {database}.session_hours FINAL
GROUP BY day, station;

CREATE VIEW IF NOT EXISTS {database}.site_daily AS
SELECT toDate(hour) AS day, site_id, any(organisation_id) AS organisation_id,
       countIf(started_in_hour = 1) AS sessions, sum(energy_wh) AS energy_wh,
       uniqExact(driver) AS unique_drivers, countIf(started_in_hour = 1 AND success = 1) AS successful_sessions
FROM {database}.session_hours FINAL
WHERE site_id IS NOT NULL
GROUP BY day, site_id;
