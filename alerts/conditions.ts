import { meterConditions } from './meter-conditions.js';
import { type AlertThresholds, defaultThresholds } from './settings.js';

/**
 * The conditions alerts are raised for, each one SQL query over what the gateway keeps in PostgreSQL (so a
 * sweep finds every condition whatever events were lost) returning the stations where it holds now: one row
 * per (station, cause) with a message and details. `t` is the organisation's thresholds (alerts/settings.ts),
 * as `thresholds` jsonb joined by station. An alert is resolved when its row is gone.
 */
export interface Condition {
  kind: string;
  severity: 'critical' | 'major' | 'minor' | 'warning';
  /** Selects station_id, organisation_id, cause_key, message, details; `th(name)` reads a threshold. */
  sql: (th: (name: string) => string) => string;
  /**
   * Changes with the station's events only (not with time), and is dear to look at for every station: a full
   * sweep may leave it out (the worker looks at it once a minute), the sweep after a station's events never does.
   */
  eventDriven?: true;
}

const stations = `station s left join alert_settings a on a.organisation_id = s.organisation_id`;

/**
 * The widest window any organisation set for a threshold in minutes (its default at least): a constant for
 * the query (an InitPlan), so that an index on the time bounds the scan before each station's own threshold.
 */
const widest = (name: keyof AlertThresholds) =>
  `make_interval(mins => (select greatest(max((thresholds ->> '${name}')::int), ${defaultThresholds[name]}) from alert_settings))`;
const live = `s.organisation_id is not null and s.retired_at is null and s.registration_status = 'Accepted'`;

/** A station whose last `<column>_status` notification is one of `failures`. */
function lastStatusFailed(
  kind: string,
  severity: Condition['severity'],
  what: string,
  column: 'firmware' | 'diagnostics',
  failures: string[],
): Condition {
  return {
    kind,
    severity,
    sql: () => `select s.id as station_id, s.organisation_id, '' as cause_key,
        '${what}: ' || s.${column}_status as message,
        jsonb_build_object('status', s.${column}_status, 'at', s.${column}_status_at) as details
      from ${stations}
      where ${live} and s.${column}_status in (${failures.map((f) => `'${f}'`).join(', ')})`,
  };
}

export const conditions: Condition[] = [
  {
    kind: 'station-offline',
    severity: 'major',
    sql: (th) => `select s.id as station_id, s.organisation_id, '' as cause_key,
        'offline since ' || to_char(s.last_seen_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' as message,
        jsonb_build_object('lastSeenAt', s.last_seen_at) as details
      from ${stations}
      where ${live} and not s.online and s.last_seen_at < now() - make_interval(mins => ${th('offlineMinutes')})`,
  },
  {
    kind: 'connector-faulted',
    severity: 'major',
    sql: () => `select s.id as station_id, s.organisation_id, 'connector:' || c.connector_id as cause_key,
        case when c.connector_id = 0 then 'station' else 'connector ' || c.connector_id end || ' faulted: ' || c.error_code
          || coalesce(' (' || c.vendor_error_code || ')', '') as message,
        jsonb_build_object('connectorId', c.connector_id, 'errorCode', c.error_code, 'vendorErrorCode', c.vendor_error_code,
          'info', c.info, 'since', c.status_since) as details
      from connector c join ${stations} on s.id = c.station_id
      where ${live} and c.status = 'Faulted'`,
  },
  {
    kind: 'boot-loop',
    severity: 'major',
    sql: (th) => `select s.id as station_id, s.organisation_id, '' as cause_key,
        count(*) || ' boots in ' || ${th('bootLoopMinutes')} || ' minutes' as message,
        jsonb_build_object('boots', count(*), 'lastBootAt', max(b.received_at)) as details
      from boot_event b join ${stations} on s.id = b.station_id
      where ${live} and b.received_at > now() - interval '1 day'
        and b.received_at > now() - make_interval(mins => ${th('bootLoopMinutes')})
      group by s.id, s.organisation_id, a.thresholds
      having count(*) >= ${th('bootLoopBoots')}`,
  },
  {
    kind: 'session-silent',
    severity: 'minor',
    sql: (th) => `select s.id as station_id, s.organisation_id, t.id::text as cause_key,
        'no meter value from session ' || t.transaction_id || ' on connector ' || t.connector_id || ' since '
          || to_char(coalesce(t.last_meter_at, t.started_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' as message,
        jsonb_build_object('sessionId', t.id, 'connectorId', t.connector_id, 'lastMeterAt', t.last_meter_at) as details
      from charging_session t join ${stations} on s.id = t.station_id
      where ${live} and s.online and t.state = 'Active'
        and coalesce(t.last_meter_at, t.started_at) < now() - make_interval(mins => ${th('sessionSilentMinutes')})`,
  },
  {
    kind: 'session-too-long',
    severity: 'warning',
    sql: (th) => `select s.id as station_id, s.organisation_id, t.id::text as cause_key,
        'session ' || t.transaction_id || ' on connector ' || t.connector_id || ' open since '
          || to_char(t.started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' as message,
        jsonb_build_object('sessionId', t.id, 'connectorId', t.connector_id, 'startedAt', t.started_at) as details
      from charging_session t join ${stations} on s.id = t.station_id
      where ${live} and t.state = 'Active' and t.started_at < now() - make_interval(hours => ${th('sessionMaxHours')})`,
  },
  {
    kind: 'clock-skew',
    severity: 'warning',
    eventDriven: true,
    // The latest status the station sent, stamped by its clock, against when it arrived: ahead is always a
    // wrong clock; behind can be a queue replayed after a reconnect, which the next live status clears.
    sql: (th) => `select s.id as station_id, s.organisation_id, '' as cause_key,
        'clock ' || round(extract(epoch from e.station_timestamp - e.received_at)) || ' s off' as message,
        jsonb_build_object('skewSeconds', round(extract(epoch from e.station_timestamp - e.received_at)),
          'stamped', e.station_timestamp, 'received', e.received_at) as details
      from ${stations}
      cross join lateral (select station_timestamp, received_at from status_event x
        where x.station_id = s.id order by x.received_at desc limit 1) e
      where ${live} and s.online and e.station_timestamp is not null
        and e.received_at > now() - interval '1 day'
        and abs(extract(epoch from e.station_timestamp - e.received_at)) > ${th('clockSkewSeconds')}`,
  },
  {
    kind: 'failed-starts',
    severity: 'minor',
    // Two ways a start fails: a session that ended within a minute without energy, and an Authorize accepted
    // that no StartTransaction of that idTag followed within startTimeoutMinutes (nor was a session of it open
    // then, or stopped by it: a card also authorizes the stop of its session).
    sql: (th) => `select s.id as station_id, s.organisation_id, '' as cause_key,
        count(*) || ' failed starts in ' || ${th('failedStartsMinutes')} || ' minutes ('
          || count(*) filter (where f.what = 'session') || ' ended at once without energy, '
          || count(*) filter (where f.what = 'authorize') || ' authorized but never started)' as message,
        jsonb_build_object('sessions', count(*) filter (where f.what = 'session'),
          'unstartedAuthorizations', count(*) filter (where f.what = 'authorize'), 'lastAt', max(f.at)) as details
      from (
        select t.station_id, 'session' as what, t.started_at as at from charging_session t
        where t.state = 'Completed' and t.started_at > now() - ${widest('failedStartsMinutes')}
          and coalesce(t.energy_wh, 0) <= 0 and t.stopped_at < t.started_at + interval '1 minute'
        union all
        select d.station_id, 'authorize' as what, d.decided_at as at from auth_decision d
        where d.purpose = 'Authorize' and d.status = 'Accepted' and d.decided_at > now() - ${widest('failedStartsMinutes')}
          and not exists (select 1 from charging_session t where t.id_tag = d.id_tag and t.station_id = d.station_id
            and coalesce(t.stopped_at, 'infinity') >= d.decided_at - interval '1 minute')
          and not exists (select 1 from charging_session t where t.station_id = d.station_id and t.stop_id_tag = d.id_tag
            and t.stopped_at >= d.decided_at - interval '1 minute')
      ) f join ${stations} on s.id = f.station_id
      where ${live} and f.at > now() - make_interval(mins => ${th('failedStartsMinutes')})
        and (f.what = 'session' or f.at < now() - make_interval(mins => ${th('startTimeoutMinutes')}))
      group by s.id, s.organisation_id, a.thresholds
      having count(*) >= ${th('failedStarts')}`,
  },
  lastStatusFailed('firmware-failed', 'minor', 'firmware update', 'firmware', [
    'DownloadFailed',
    'InstallationFailed',
    'InvalidSignature',
    'InstallVerificationFailed',
  ]),
  lastStatusFailed('diagnostics-failed', 'warning', 'diagnostics upload', 'diagnostics', [
    'UploadFailed',
    'BadMessage',
    'NotSupportedOperation',
    'PermissionDenied',
  ]),
  ...meterConditions(stations, live),
];

export const alertKinds = conditions.map((c) => c.kind);
/** What a full sweep must look at every time: the conditions time alone can make true or false. */
export const timeKinds = conditions.filter((c) => !c.eventDriven).map((c) => c.kind);

/** The SQL reading threshold `name` of the station's organisation, its default where unset. */
export const thresholdSql = (defaults: Record<string, number>) => (name: string) =>
  `coalesce((a.thresholds ->> '${name}')::int, ${Number(defaults[name])})`;
