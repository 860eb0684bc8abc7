import type { Warehouse } from '../warehouse/client.js';
import { ask } from './run.js';
import { AnalyticsError, checkWindow, clickHouseTime, type Scope, scopeCondition, type Window } from './scope.js';

export interface FaultGroup {
  errorCode: string;
  vendorErrorCode: string;
  /** The station's vendor and model, from its BootNotification ('' when it never sent one). */
  vendor: string;
  model: string;
  /** Faulted intervals that began in the window. */
  faults: number;
  stations: number;
  ports: number;
  /** Their time Faulted, within the window (an open one: to now). */
  faultedMinutes: number;
}

/**
 * Faults by error code, vendor error code and the station's vendor and model: how many Faulted intervals began in
 * the window, on how many stations and ports, and how long they lasted inside it; most frequent first.
 */
export async function faults(warehouse: Warehouse, scope: Scope, window: Omit<Window, 'timeZone'>, first = 100): Promise<FaultGroup[]> {
  checkWindow({ ...window, timeZone: 'UTC' }, undefined, 732 * 86_400_000);
  if (!Number.isInteger(first) || first < 1 || first > 1000) throw new AnalyticsError('first: expected 1 to 1000', 'first');
  const where = scopeCondition(scope);
  const answer = await ask<{
    error_code: string;
    vendor_error_code: string;
    vendor: string;
    model: string;
    faults: number;
    stations: number;
    ports: number;
    faulted_ms: number;
  }>(
    warehouse,
    `WITH toDateTime64({from:String}, 3, 'UTC') AS f, toDateTime64({to:String}, 3, 'UTC') AS t
     SELECT error_code, vendor_error_code, vendor, model, count() AS faults, uniqExact(station) AS stations,
            uniqExact(station, connector_id) AS ports,
            sum(greatest(0, dateDiff('millisecond', greatest(started_at, f), least(coalesce(ended_at, now64(3)), t)))) AS faulted_ms
     FROM {db}.status_intervals FINAL
     WHERE ${where.sql} AND kind = 'status' AND status = 'Faulted' AND started_at >= f AND started_at < t
     GROUP BY error_code, vendor_error_code, vendor, model
     ORDER BY faults DESC, faulted_ms DESC, error_code, vendor_error_code, vendor, model LIMIT {first:UInt32}`,
    { ...where.params, from: clickHouseTime(window.from), to: clickHouseTime(window.to), first },
  );
  return answer.data.map((r) => ({
    errorCode: r.error_code,
    vendorErrorCode: r.vendor_error_code,
    vendor: r.vendor,
    model: r.model,
    faults: Number(r.faults),
    stations: Number(r.stations),
    ports: Number(r.ports),
    faultedMinutes: Number(r.faulted_ms) / 60_000,
  }));
}
