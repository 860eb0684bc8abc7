import type { Condition } from './conditions.js';

/**
 * Session flags saying the energy register went wrong: below the last reading or the session's start while it
 * ran (energy-decreased), below the start at its stop (negative-energy, meter-reset). The same test as the
 * partial index charging_session_meter_trouble_index, which keeps the sweep to the flagged sessions.
 */
export const meterTrouble = (t: string) =>
  `(${t}.flags @> '["energy-decreased"]'::jsonb or ${t}.flags @> '["negative-energy"]'::jsonb or ${t}.flags @> '["meter-reset"]'::jsonb)`;

/**
 * Meter readings out of range, one alert per session: power above what the station's model is rated for
 * (its configuration baseline's maxPowerW) by more than `powerMarginPercent`, while the session is open; an
 * energy register that went backwards or fell below the session's start (a negative one included), while the
 * session is open and for `meterAnomalyMinutes` after it ended.
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
          || case when t.live_energy_wh < 0 or not t.flags @> '["energy-decreased"]'::jsonb then 'fell below its start'
            else 'went backwards' end as message,
        jsonb_build_object('sessionId', t.id, 'connectorId', t.connector_id, 'flags', t.flags,
          'liveEnergyWh', t.live_energy_wh, 'energyWh', t.energy_wh) as details
      from charging_session t join ${stations} on s.id = t.station_id
      where ${live} and ${meterTrouble('t')}
        and (t.state = 'Active' or t.stopped_at > now() - make_interval(mins => ${th('meterAnomalyMinutes')}))`,
  },
];
