import { clickHouseTime } from './scope.js';
import type { Sql } from '../database/sql.js';
import type { Logger } from '../platform/logger.js';
import type { Warehouse } from '../warehouse/client.js';
import { sessionRows } from './session-rows.js';
import { type IntervalRow, intervalsAfter, latestIntervals } from './status-rows.js';

export interface FactDeps {
  sql: Sql;
  warehouse: Warehouse;
  log: Logger;
}

/**
 * Writes the analytics facts to the warehouse, each derived from PostgreSQL's state (analytics/session-rows.ts,
 * status-rows.ts), so writing one twice writes the same row again: the tables replace by key and keep the
 * newest version, which is the write's time (a later write saw a later state).
 */
export class FactWriter {
  private last = 0;

  constructor(private readonly deps: FactDeps) {}

  /** Increasing, even within one millisecond: a later write replaces an earlier one. */
  readonly version = (): number => {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return this.last;
  };

  async insert(table: string, rows: object[]): Promise<void> {
    if (rows.length === 0) return;
    const text = `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
    await this.deps.warehouse.insertText(table, 'JSONEachRow', text, {
      input_format_allow_errors_num: '0',
      date_time_input_format: 'best_effort',
      max_threads: 1,
      max_insert_threads: '1',
      optimize_on_insert: 0,
    });
  }

  /** The sessions named, those ended (the others are skipped): at their end, and again once invoiced. */
  async sessions(ids: string[]): Promise<number> {
    const rows = await sessionRows(this.deps.sql, ids, this.version);
    await this.insert('sessions', rows);
    return rows.length;
  }

  /** The intervals of each connector's last `events` statuses, and of the status before them (now closed). */
  async connectors(connectors: Array<{ stationId: string; connectorId: number; events: number }>): Promise<number> {
    const rows = await latestIntervals(this.deps.sql, connectors, this.version);
    await this.insert('status_intervals', rows);
    return rows.length;
  }

  /** One page of status events after `afterId`, as intervals (the sweep). */
  async statusPage(afterId: number, limit: number): Promise<{ lastId: number; events: number }> {
    const { rows, lastId, events } = await intervalsAfter(this.deps.sql, afterId, limit, this.version);
    await this.insert('status_intervals', rows);
    return { lastId, events };
  }

  /**
   * A station went offline (an interval opens at `at`) or came back (the open one closes at `at`). PostgreSQL
   * keeps no history of connections, so this is the one place an offline period is written from; the sweep
   * opens one for a station PostgreSQL says is offline and closes one for a station it says is back.
   */
  async connection(stationId: string, online: boolean, at: Date): Promise<void> {
    const station = await this.deps.sql.query<{ identity: string; site_id: string | null; organisation_id: string | null }>(
      'select identity, site_id, organisation_id from station where id = $1',
      [stationId],
    );
    const s = station.rows[0];
    if (!s) return;
    const open = await this.openOffline(s.identity);
    if (online && open) await this.insert('status_intervals', [this.offlineRow(stationId, s, open, at)]);
    if (!online && !open) await this.insert('status_intervals', [this.offlineRow(stationId, s, at, null)]);
  }

  /** When the station's open offline interval began, if it has one. */
  async openOffline(station: string): Promise<Date | null> {
    const { warehouse } = this.deps;
    const result = await warehouse.client.query({
      query: `SELECT toUnixTimestamp64Milli(started_at) AS at FROM ${warehouse.table('status_intervals')} FINAL
              WHERE station = {station:String} AND connector_id = 0 AND kind = 'offline' AND ended_at IS NULL
              ORDER BY started_at DESC LIMIT 1`,
      query_params: { station },
      format: 'JSONEachRow',
    });
    const row = (await result.json<{ at: string }>())[0];
    return row ? new Date(Number(row.at)) : null;
  }

  offlineRow(
    stationId: string,
    s: { identity: string; site_id: string | null; organisation_id: string | null },
    from: Date,
    until: Date | null,
  ): IntervalRow {
    return {
      station: s.identity,
      station_id: stationId,
      connector_id: 0,
      kind: 'offline',
      site_id: s.site_id,
      organisation_id: s.organisation_id,
      status: 'Offline',
      ocpp_status: '',
      error_code: '',
      vendor_error_code: '',
      vendor: '',
      model: '',
      operator_set: 0,
      started_at: clickHouseTime(from),
      ended_at: until ? clickHouseTime(until) : null,
      version: this.version(),
    };
  }
}
