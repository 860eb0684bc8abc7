import type { Warehouse } from '../warehouse/client.js';

/** The fact tables and the column their TTL counts from. */
const tables: Record<string, string> = {
  sessions: 'toDateTime(started_at)',
  status_intervals: 'toDateTime(started_at)',
  session_hours: 'hour',
  status_hours: 'hour',
};

/**
 * Sets each fact table's TTL to `days` (ANALYTICS_RETENTION_DAYS) where it differs. Existing parts are not
 * rewritten at once (materialize_ttl_after_modify = 0): merges drop the expired rows as they come.
 */
export async function applyRetention(warehouse: Warehouse, days: number): Promise<string[]> {
  const changed: string[] = [];
  for (const [table, column] of Object.entries(tables)) {
    const current = await warehouse.client.query({
      query: 'SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = {table:String}',
      query_params: { db: warehouse.database, table },
      format: 'JSONEachRow',
    });
    const [row] = await current.json<{ q: string }>();
    if (!row || row.q.includes(`toIntervalDay(${days})`)) continue;
    await warehouse.client.command({
      query: `ALTER TABLE ${warehouse.table(table)} MODIFY TTL ${column} + toIntervalDay(${Math.trunc(days)})`,
      clickhouse_settings: { materialize_ttl_after_modify: 0 },
    });
    changed.push(table);
  }
  return changed;
}
