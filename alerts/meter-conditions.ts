import type { Condition } from './conditions.js';

/** Session flags saying the energy register went wrong: backwards mid-session, or below the start at the stop. */
const energyFlags = ['energy-decreased', 'negative-energy', 'meter-reset'].map((flag) => `'["${flag}"]'`).join(', ');

/**
 * Meter readings out of range, one alert per session: power above what the station's model is rated for
 * (its configuration baseline's maxPowerW) by more than `powerMarginPercent`, while the session is open; an
 * energy register that went backwards, fell below the session's start, or read negative, while the session is
 * open and for `meterAnomalyMinutes` after it ended.
 */
export const meterConditions = (stations: string, live: string): Condition[] => [
  {
    kind: 'power-out-of-range',
    severity: 'major',
    sql: (th) => `select s.id as station_id, s.organisation_id, t.id::text as cause_key,
        'session ' || t.transaction_id || ' on connector ' || t.connector_id || ' draws ' || round(t.live_power_w)
          || ' W, above the ' || b.max_power_w || ' W the model is rated for' as message,
        jsonb_build_object('sessionId', t.id, 'connectorId', t.connector_id, 'powerW', round(t.live_power_w),
          'maxPowerW', b.max_power_w, 'marginPercent', ${th('powerMarginPercent')}) as details
      from charging_session t join ${stations} on s.id = t.station_id
      join configuration_baseline b on b.organisation_id = s.organisation_id and lower(b.model) = lower(s.model)
      where ${live} and t.state = 'Active' and b.max_power_w is not null
        and t.live_power_w > b.max_power_w * (100 + ${th('powerMarginPercent')}) / 100.0`,
  },
  {
    kind: 'energy-out-of-range',
    severity: 'minor',
    sql: (th) => `select s.id as station_id, s.organisation_id, t.id::text as cause_key,
        'session ' || t.transaction_id || ' on connector ' || t.connector_id || ': the energy register '
          || case when t.flags @> '["energy-decreased"]' then 'went backwards'
            when n.id is not null then 'read negative' else 'fell below its start' end as message,
        jsonb_build_object('sessionId', t.id, 'connectorId', t.connector_id, 'flags', t.flags,
          'liveEnergyWh', t.live_energy_wh, 'energyWh', t.energy_wh) as details
      from charging_session t join ${stations} on s.id = t.station_id
      left join lateral (select x.id from anomaly x where x.session_id = t.id and x.kind = 'meter-negative-energy' limit 1) n on true
      where ${live} and t.started_at > now() - interval '30 days'
        and (t.state = 'Active' or t.stopped_at > now() - make_interval(mins => ${th('meterAnomalyMinutes')}))
        and (t.flags @> any(array[${energyFlags}]::jsonb[]) or t.live_energy_wh < 0 or n.id is not null)`,
  },
];
