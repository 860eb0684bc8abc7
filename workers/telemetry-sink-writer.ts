import type { Deps } from '../system/deps.js';
import { readEntry } from '../telemetry/buffer.js';
import type { Entry, SinkStream } from './telemetry-sink-stream.js';

/**
 * ClickHouse errors that mean the data cannot be read (parse errors, wrong types), as opposed to the
 * warehouse being unable to take it now (disk full, too many parts, memory, timeouts): only the former
 * set an entry aside; the latter leave it pending, to be retried.
 */
const DATA_ERROR =
  /\b(CANNOT_PARSE_\w+|CANNOT_READ_ALL_DATA|TYPE_MISMATCH|INCORRECT_DATA|CANNOT_CONVERT_TYPE|ILLEGAL_COLUMN|INCORRECT_NUMBER_OF_COLUMNS)\b|Cannot parse|Code: (6|26|27|33|38|41|53|70|72|117)\b/;
export const isDataError = (error: unknown): boolean => DATA_ERROR.test((error as Error)?.message ?? String(error));

const samplesOf = (entries: Entry[]) => entries.reduce((n, [, fields]) => n + (readEntry(fields)?.samples ?? 0), 0);

/**
 * Writes batches of entries to the warehouse's `meter_frames` table as they are (JSON lines) and acknowledges
 * them once written; an entry the warehouse cannot read is set aside, so that it does not block the stream.
 */
export class SinkWriter {
  constructor(
    private readonly deps: Deps,
    private readonly stream: SinkStream,
  ) {}

  async write(entries: Entry[]): Promise<void> {
    const { metrics, log } = this.deps;
    try {
      metrics.telemetrySamples.inc({ stage: 'written' }, await this.insert(entries));
    } catch (error) {
      if (!isDataError(error) || !(await this.warehouseAnswers())) throw error;
      // One bad entry must not block the stream: write the entries one by one and set aside
      // (in the dead-letter stream, with the reason) those the warehouse refuses.
      for (const entry of entries) {
        try {
          metrics.telemetrySamples.inc({ stage: 'written' }, await this.insert([entry]));
        } catch (entryError) {
          if (!isDataError(entryError) || !(await this.warehouseAnswers())) throw entryError;
          const reason = (entryError as Error).message.split('\n')[0] ?? 'refused';
          await this.stream.setAside(entry, reason);
          metrics.telemetrySamples.inc({ stage: 'dead-letter' }, samplesOf([entry]));
          log.error({ entry: entry[0], reason }, 'telemetry sink: the warehouse refused an entry; set aside in the dead-letter stream');
        }
      }
    }
    await this.stream.acknowledge(entries.map(([id]) => id));
  }

  private async insert(entries: Entry[]): Promise<number> {
    let body = '';
    let samples = 0;
    for (const [id, fields] of entries) {
      const entry = readEntry(fields);
      if (!entry) throw new Error(`stream entry ${id} holds no telemetry frames`);
      body += body ? `\n${entry.frames}` : entry.frames;
      samples += entry.samples;
    }
    await this.deps.warehouse.insertText('meter_frames', 'JSONEachRow', `${body}\n`, {
      insert_deduplication_token: `${entries[0]?.[0]}-${entries.at(-1)?.[0]}-${samples}`,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      // A frame the warehouse cannot read fails the insert (and is set aside below), never half-written.
      input_format_allow_errors_num: '0',
      // Frames buffered before 0003_session_id.sql carry the 1.6 transactionId as a number; the column is text now.
      input_format_json_read_numbers_as_strings: 1,
      // One core per insert: embedded (chDB), the engine shares the machine with the gateway.
      max_threads: 1,
      max_insert_threads: '1',
      input_format_parallel_parsing: 0,
      // Replays are merged away by ReplacingMergeTree (and FINAL); no merging work on the insert path.
      optimize_on_insert: 0,
    });
    return samples;
  }

  /** The warehouse answers and has its table: a failed insert was then the data's fault, not an outage. */
  private async warehouseAnswers(): Promise<boolean> {
    try {
      for (const table of ['meter_frames', 'meter_values']) {
        await this.deps.warehouse.client.command({ query: `SELECT 1 FROM ${this.deps.warehouse.table(table)} LIMIT 0` });
      }
      return true;
    } catch {
      return false;
    }
  }
}
