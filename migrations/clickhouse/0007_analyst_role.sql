-- server only: applied with CLICKHOUSE_URL (a ClickHouse server), skipped embedded (chDB has no users or roles).
-- The analysts' role (docs/analytics.md): SELECT on the documented views and nothing else, read-only, with the
-- limits of `npm run sql`. The views run as their definer (the user evcms migrates with), so the role needs no
-- right on the tables under them. A user is the administrator's to create, with its own password:
--   CREATE USER analyst IDENTIFIED WITH sha256_password BY '...' DEFAULT ROLE {database}_analyst SETTINGS PROFILE '{database}_analyst';
--   GRANT {database}_analyst TO analyst;
CREATE ROLE IF NOT EXISTS {database}_analyst;

CREATE SETTINGS PROFILE IF NOT EXISTS {database}_analyst SETTINGS
    readonly = 2 CONST,
    max_execution_time = 30 MAX 30,
    max_memory_usage = 1000000000 MAX 1000000000,
    max_rows_to_read = 2000000000 MAX 2000000000,
    max_result_rows = 10000 MAX 10000,
    result_overflow_mode = 'throw' CONST
TO {database}_analyst;

ALTER TABLE {database}.session_facts MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.status_facts MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.exclusion_facts MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.connector_hourly MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.station_daily MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.site_daily MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;
ALTER TABLE {database}.ocpp_message_facts MODIFY DEFINER = CURRENT_USER SQL SECURITY DEFINER;

GRANT SELECT ON {database}.session_facts TO {database}_analyst;
GRANT SELECT ON {database}.status_facts TO {database}_analyst;
GRANT SELECT ON {database}.exclusion_facts TO {database}_analyst;
GRANT SELECT ON {database}.connector_hourly TO {database}_analyst;
GRANT SELECT ON {database}.station_daily TO {database}_analyst;
GRANT SELECT ON {database}.site_daily TO {database}_analyst;
GRANT SELECT ON {database}.ocpp_message_facts TO {database}_analyst;
