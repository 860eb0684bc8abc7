import type { Warehouse } from '../warehouse/client.js';

/** Bounds of every question the API asks the warehouse (on a read-only client): a time limit, a memory limit, a row limit. */
export const questionSettings = {
  max_execution_time: 20,
  max_memory_usage: '2000000000',
  max_result_rows: '100000',
  result_overflow_mode: 'throw',
  output_format_json_quote_64bit_integers: 0,
  // The skip indexes on site and organisation apply under FINAL too: a key's versions never differ in them.
  use_skip_indexes_if_final: 1,
  // Facts are partitioned by a month of a column in their key: a key's versions are in one partition.
  do_not_merge_across_partitions_select_final: 1,
} as const;

export interface Answer<T> {
  data: T[];
}

/**
 * Runs one question (FORMAT JSON), numbers as numbers. Totals come from GROUPING SETS, not WITH TOTALS:
 * chDB 3.4 writes broken JSON for WITH TOTALS over no rows.
 */
export async function ask<T>(warehouse: Warehouse, query: string, params: Record<string, unknown>): Promise<Answer<T>> {
  const reader = await warehouse.reader(questionSettings);
  try {
    const result = await reader.query({ query: query.replaceAll('{db}', warehouse.database), query_params: params, format: 'JSON' });
    const json = (await result.json()) as unknown as { data: T[] };
    return { data: json.data };
  } catch (error) {
    await warehouse.discardReader(questionSettings);
    throw error;
  }
}

/** A share, or null when there is nothing to divide. */
export const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
