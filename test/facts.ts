// Rows of the warehouse's fact tables for tests, with the defaults most tests want (one site, one organisation, June 2026).

export const site = '00000000-0000-4000-8000-00000000000a';
export const org = '00000000-0000-4000-8000-0000000000aa';
export const day = (d: number, h = 0, m = 0) => new Date(Date.UTC(2026, 5, d, h, m));
export const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

let seq = 0;
export const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

export function session(station: string, from: Date, to: Date, energyWh: number, extra: Record<string, unknown> = {}) {
  return {
    session_id: uuid(),
    station,
    station_id: '00000000-0000-4000-8000-00000000ffff',
    connector_id: 1,
    site_id: site,
    organisation_id: org,
    time_zone: 'UTC',
    driver: `driver-${seq}`,
    credential_type: 'ISO14443',
    started_at: ch(from),
    ended_at: ch(to),
    energy_wh: energyWh,
    charging_seconds: (to.getTime() - from.getTime()) / 1000,
    idle_seconds: 0,
    stop_reason: 'Local',
    success: 1,
    revenue_minor: 0,
    currency: '',
    version: 1,
    ...extra,
  };
}

export function interval(
  station: string,
  connectorId: number,
  status: string,
  from: Date,
  to: Date | null,
  extra: Record<string, unknown> = {},
) {
  return {
    station,
    station_id: '00000000-0000-4000-8000-00000000ffff',
    connector_id: connectorId,
    kind: 'status',
    site_id: site,
    organisation_id: org,
    status,
    ocpp_status: status === 'Occupied' ? 'Charging' : status,
    error_code: status === 'Faulted' ? 'GroundFailure' : 'NoError',
    vendor_error_code: '',
    operator_set: 0,
    started_at: ch(from),
    ended_at: to ? ch(to) : null,
    version: 1,
    ...extra,
  };
}

export function exclusion(station: string, cause: string, from: Date, to: Date, extra: Record<string, unknown> = {}) {
  return {
    exclusion_id: uuid(),
    station,
    connector_id: 0,
    organisation_id: org,
    cause,
    started_at: ch(from),
    ended_at: ch(to),
    deleted: 0,
    version: 1,
    ...extra,
  };
}
