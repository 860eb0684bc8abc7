import type { Redis } from 'ioredis';
import type { Deps } from '../system/deps.js';
import type { WarehouseSample } from '../telemetry/buffer.js';

export interface TelemetrySink {
  /** Resolves when everything buffered so far is in the warehouse (or `timeoutMs` passed). */
  drain(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const group = 'warehouse';

/**
 * Moves samples from the Redis stream to the warehouse in batches. An entry is acknowledged only
 * after its rows were inserted; when the warehouse fails, entries stay pending and are retried with
 * backoff, and each row's sample_id (plus the batch's dedup token) keeps a replay from duplicating.
 */
export async function startTelemetrySink(deps: Deps, options: { batchSize?: number; blockMs?: number } = {}): Promise<TelemetrySink> {
  const { log, warehouse, metrics } = deps;
  const stream = deps.telemetry.stream;
  const batchSize = options.batchSize ?? 2000;
  const blockMs = options.blockMs ?? 500;
  const consumer = deps.nodeId;
  const reader: Redis = deps.redis.duplicate({ connectionName: 'evcms-telemetry-sink', enableAutoPipelining: false });
  await reader.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error: Error) => {
    if (!error.message.includes('BUSYGROUP')) throw error;
  });
  let running = true;
  let backoffMs = 0;
  let idle = true;

  const read = async (id: '0' | '>'): Promise<Array<[string, string[]]>> => {
    const args: (string | number)[] = ['GROUP', group, consumer, 'COUNT', batchSize];
    if (id === '>') args.push('BLOCK', blockMs);
    const result = (await reader.call('XREADGROUP', ...args, 'STREAMS', stream, id)) as Array<[string, Array<[string, string[]]>]> | null;
    return result?.[0]?.[1] ?? [];
  };

  const write = async (entries: Array<[string, string[]]>) => {
    const rows: WarehouseSample[] = [];
    for (const [, fields] of entries) {
      const at = fields.indexOf('rows');
      if (at >= 0) rows.push(...(JSON.parse(fields[at + 1] ?? '[]') as WarehouseSample[]));
    }
    if (rows.length > 0) {
      const first = entries[0]?.[0];
      const last = entries.at(-1)?.[0];
      await warehouse.client.insert({
        table: warehouse.table('meter_values'),
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: `${first}-${last}-${rows.length}`, date_time_input_format: 'best_effort' },
      });
    }
    const ids = entries.map(([id]) => id);
    await reader.xack(stream, group, ...ids);
    await reader.xdel(stream, ...ids);
    metrics.telemetrySamples.inc({ stage: 'written' }, rows.length);
  };

  const loop = async () => {
    while (running) {
      try {
        // Our own pending entries first (a failed batch), then new ones.
        let entries = await read('0');
        if (entries.length === 0) entries = await read('>');
        idle = entries.length === 0;
        if (!idle) await write(entries);
        backoffMs = 0;
      } catch (error) {
        if (!running) break;
        backoffMs = Math.min(30_000, backoffMs ? backoffMs * 2 : 500);
        log.warn({ err: error, retryInMs: backoffMs }, 'telemetry sink: warehouse write failed; samples stay buffered');
        await new Promise((r) => setTimeout(r, backoffMs));
      }
    }
  };
  const done = loop();

  const drain = async (timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await deps.telemetry.backlog(group)) === 0 && idle) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  return {
    drain,
    /** Writes what is buffered (up to a few seconds' worth), then stops; the rest waits in Redis. */
    async close() {
      await drain(5000).catch(() => false);
      running = false;
      reader.disconnect();
      await done;
    },
  };
}
