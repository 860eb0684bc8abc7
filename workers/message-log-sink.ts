import type { Deps } from '../system/deps.js';
import { streamBacklog } from '../telemetry/buffer.js';
import { readLogEntry } from '../telemetry/message-log.js';
import type { Warehouse } from '../warehouse/client.js';
import { type TelemetrySink, type StreamWriter, settingsOf, startStreamSink } from './telemetry-sink.js';
import { type Entry, type SinkStream, group } from './telemetry-sink-stream.js';

/**
 * Sets the message log's TTLs: its rows OCPP_LOG_RETENTION_DAYS, its frames OCPP_LOG_PAYLOAD_DAYS. Metadata only
 * (materialize_ttl_after_modify = 0): merges drop what expired as they come.
 */
export async function applyMessageLogRetention(warehouse: Warehouse, rowDays: number, payloadDays: number): Promise<void> {
  const table = warehouse.table('ocpp_messages');
  const settings = { materialize_ttl_after_modify: 0 } as const;
  const statements = [
    `ALTER TABLE ${table} MODIFY TTL toDateTime(at) + toIntervalDay(${Math.trunc(rowDays)})`,
    ...['request', 'response'].map(
      (c) => `ALTER TABLE ${table} MODIFY COLUMN ${c} String TTL toDateTime(at) + toIntervalDay(${Math.trunc(payloadDays)})`,
    ),
  ];
  for (const query of statements) await warehouse.client.command({ query, clickhouse_settings: settings });
}

/** Inserts a batch of the log's entries as they are (JSON lines into ocpp_message_lines), then acknowledges them. */
class MessageLogWriter implements StreamWriter {
  constructor(
    private readonly deps: Deps,
    private readonly stream: SinkStream,
  ) {}

  async write(entries: Entry[]): Promise<void> {
    const bodies: string[] = [];
    let count = 0;
    for (const [, fields] of entries) {
      const entry = readLogEntry(fields);
      if (!entry) continue;
      bodies.push(entry.lines);
      count += entry.count;
    }
    if (bodies.length) {
      await this.deps.warehouse.insertText('ocpp_message_lines', 'JSONEachRow', `${bodies.join('\n')}\n`, {
        insert_deduplication_token: `${entries[0]?.[0]}-${entries.at(-1)?.[0]}-${count}`,
        deduplicate_blocks_in_dependent_materialized_views: 1,
        // A diagnostic log: a line the warehouse cannot read is skipped rather than holding the stream up.
        input_format_allow_errors_num: 1000,
        input_format_skip_unknown_fields: 1,
        max_threads: 1,
        max_insert_threads: '1',
        input_format_parallel_parsing: 0,
        optimize_on_insert: 0,
      });
      this.deps.metrics.ocppLogged.inc({ stage: 'written' }, count);
    }
    await this.stream.acknowledge(entries.map(([id]) => id));
  }
}

/**
 * Moves the OCPP message log from its Redis stream (written by the gateways, telemetry/message-log.ts) into the
 * warehouse, in batches, with the telemetry sink's rounds: pending entries first, backoff while the warehouse fails,
 * what stopped sinks left taken over. None while the log is off (OCPP_LOG=0).
 */
export async function startMessageLogSink(deps: Deps): Promise<TelemetrySink | null> {
  const log = deps.messageLog;
  if (!log) return null;
  await applyMessageLogRetention(deps.warehouse, deps.config.OCPP_LOG_RETENTION_DAYS, deps.config.OCPP_LOG_PAYLOAD_DAYS);
  const settings = { ...settingsOf({ batchSize: 50, gapMs: 1000 }), stream: log.stream, name: 'OCPP log sink', countLost: () => {} };
  return startStreamSink(deps, settings, {
    backlog: () => streamBacklog(deps.redis, log.stream, group),
    writerOf: (stream) => new MessageLogWriter(deps, stream),
  });
}
