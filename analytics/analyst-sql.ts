import type { Warehouse } from '../warehouse/client.js';

/** Limits of an analyst's query (readonly=1 besides: no writes, no settings changed). */
export const analystLimits = {
  max_execution_time: 30,
  max_memory_usage: '1000000000',
  max_rows_to_read: '2000000000',
  max_result_rows: '10000',
  result_overflow_mode: 'throw',
  output_format_json_quote_64bit_integers: 0,
} as const;

export const analystFormats = ['TabSeparatedWithNames', 'CSVWithNames', 'JSONEachRow'] as const;
export type AnalystFormat = (typeof analystFormats)[number];

export class AnalystSqlError extends Error {}

/** One statement: a trailing semicolon is fine, a second statement is not. */
function oneStatement(sql: string): string {
  const text = sql.trim().replace(/;\s*$/, '');
  if (!text) throw new AnalystSqlError('query: empty');
  if (text.length > 20_000) throw new AnalystSqlError('query: at most 20,000 characters');
  const head = text.replace(/^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/, '');
  if (!/^(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b/i.test(head))
    throw new AnalystSqlError('query: only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS are run here');
  return text;
}

/**
 * Runs an analyst's query read-only (readonly=1, and the limits above) against this warehouse's database,
 * whose views are documented in docs/analytics.md; answers the text in the format asked.
 */
export async function runAnalystSql(warehouse: Warehouse, sql: string, format: AnalystFormat = 'TabSeparatedWithNames'): Promise<string> {
  if (!analystFormats.includes(format)) throw new AnalystSqlError(`format: expected one of ${analystFormats.join(', ')}`);
  const query = oneStatement(sql);
  const reader = await warehouse.reader(analystLimits);
  try {
    const result = await reader.query({ query, format });
    return await result.text();
  } catch (error) {
    await warehouse.discardReader(analystLimits);
    throw new AnalystSqlError((error as Error).message.split('\n')[0] ?? 'the warehouse refused the query');
  }
}
