import type { Redis } from 'ioredis';
import type { Deps } from '../system/deps.js';
import { readEntry, xinfoFields } from '../telemetry/buffer.js';

export interface TelemetrySink {
  /** Resolves when everything buffered so far is in the warehouse (or `timeoutMs` passed). */
  drain(timeoutMs?: number): Promise<boolean>;
  /** False while the sink cannot work: a read or write stuck, or failing, for longer than `stallMs`. */
  ready(): boolean;
  close(): Promise<void>;
}

const group = 'warehouse';

/**
 * ClickHouse errors that mean the data cannot be read (parse errors, wrong types), as opposed to the
 * warehouse being unable to take it now (disk full, too many parts, memory, timeouts): only the former
 * set an entry aside; the latter leave it pending, to be retried.
 */
const DATA_ERROR =
  /\b(CANNOT_PARSE_\w+|CANNOT_READ_ALL_DATA|TYPE_MISMATCH|INCORRECT_DATA|CANNOT_CONVERT_TYPE|ILLEGAL_COLUMN|INCORRECT_NUMBER_OF_COLUMNS)\b|Cannot parse|Code: (6|26|27|33|38|41|53|70|72|117)\b/;
export const isDataError = (error: unknown): boolean => DATA_ERROR.test((error as Error)?.message ?? String(error));

/** The stream or its consumer group is gone: Redis restarted without its data (or someone deleted the key). */
const isNoGroup = (error: unknown): boolean => /\bNOGROUP\b/.test((error as Error)?.message ?? String(error));

/**
 * Moves samples from the Redis stream to the warehouse in batches. The entries' text goes to the
 * `meter_frames` table as it is (JSON lines); ClickHouse expands each frame into meter_values rows,
 * so the sink parses and encodes nothing. An entry is acknowledged only after its insert succeeded;
 * when the warehouse fails, entries stay pending and are retried with backoff, and each row's
 * sample_id (plus the batch's dedup token) keeps a replay from duplicating.
 */
export async function startTelemetrySink(
  deps: Deps,
  options: { batchSize?: number; readCount?: number; blockMs?: number; gapMs?: number; claimIdleMs?: number; stallMs?: number } = {},
): Promise<TelemetrySink> {
  const { log, warehouse, metrics } = deps;
  const stream = deps.telemetry.stream;
  const deadLetters = `${stream}:dead`;
  // Entries per insert; an entry holds the frames of one write window of a gateway (see system/write-window.ts).
  const batchSize = options.batchSize ?? 500;
  // Entries per Redis command. Redis runs one command at a time for every client, and the gateways' XADDs
  // (each MeterValues answer waits for one) queue behind it: one XREADGROUP of a whole batch (500 entries of
  // up to 32 frames, about 11 MB) held Redis for 10 to 90 ms on a busy machine. A batch is gathered from
  // reads of this many entries instead, and acknowledged in pieces of the same size.
  const readCount = Math.max(1, Math.min(options.readCount ?? 50, batchSize));
  const blockMs = options.blockMs ?? 500;
  // Once caught up, the sink lets entries gather for this long: ClickHouse wants few large inserts
  // (each one is a part to write and merge), not many small ones. drain() cuts the wait short.
  const gapMs = options.gapMs ?? 500;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  // Entries another consumer took and left pending this long are claimed: that sink stopped or died (a
  // live one re-reads its pending entries at every retry, at most 30 s apart, which resets their idle time).
  const claimIdleMs = options.claimIdleMs ?? 120_000;
  const consumer = deps.nodeId;
  const reader: Redis = deps.redis.duplicate({ connectionName: 'evcms-telemetry-sink', enableAutoPipelining: false });
  // ioredis reconnects by itself; while Redis is away the sink's reads wait, and ready() tells.
  reader.on('error', () => {});
  // From 0: a group created after Redis came back empty takes every entry added since (another node's sink
  // may have created it first: BUSYGROUP).
  const createGroup = () =>
    reader.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.includes('BUSYGROUP')) throw error;
    });
  await createGroup();
  let running = true;
  let backoffMs = 0;
  let idle = true;
  let groupMissing = false;
  // For ready(): when the current round of reads and writes began (0 while pausing between rounds), and
  // when rounds began to fail (0 once one succeeds). A read waits at most blockMs when all is well; with
  // Redis away, it waits, without failing, until Redis is back.
  const stallMs = options.stallMs ?? 5000;
  let busySince = 0;
  let failingSince = 0;
  const ready = () => {
    const now = Date.now();
    return !(failingSince && now - failingSince > stallMs) && !(busySince && now - busySince > blockMs + stallMs);
  };

  const readOnce = async (id: string, count: number, block: boolean): Promise<Array<[string, string[]]>> => {
    const args: (string | number)[] = ['GROUP', group, consumer, 'COUNT', count];
    if (block) args.push('BLOCK', blockMs);
    const result = (await reader.call('XREADGROUP', ...args, 'STREAMS', stream, id)) as Array<[string, Array<[string, string[]]>]> | null;
    return result?.[0]?.[1] ?? [];
  };

  /**
   * Up to batchSize entries, in reads of readCount: `0` reads this sink's own pending entries (each read
   * goes on after the last id it got), `>` new ones (only the first read waits for some to arrive).
   */
  const read = async (id: '0' | '>'): Promise<Array<[string, string[]]>> => {
    const entries: Array<[string, string[]]> = [];
    let after: string = id;
    while (entries.length < batchSize) {
      const count = Math.min(readCount, batchSize - entries.length);
      const got = await readOnce(after, count, id === '>' && entries.length === 0);
      entries.push(...got);
      if (got.length < count || !running) break;
      if (id === '0') after = got[got.length - 1]?.[0] ?? after;
    }
    return entries;
  };

  const samplesOf = (entries: Array<[string, string[]]>) => entries.reduce((n, [, fields]) => n + (readEntry(fields)?.samples ?? 0), 0);

  /**
   * Takes over what stopped sinks left pending (each sink is a consumer named by its node, new at every
   * start), and forgets those consumers once they hold nothing. Entries the stream trimmed while they were
   * pending come back as ids only: they are acknowledged and counted as lost, loudly.
   */
  let lastClaim = 0;
  const claimAbandoned = async () => {
    if (Date.now() - lastClaim < Math.min(claimIdleMs, 30_000)) return;
    lastClaim = Date.now();
    let cursor = '0-0';
    do {
      const [next, , deleted] = (await reader.call(
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        batchSize,
        'JUSTID',
      )) as [string, string[], string[]?];
      if (deleted?.length) await lost(deleted);
      cursor = next;
    } while (cursor !== '0-0' && running);
    const consumers = (await reader.xinfo('CONSUMERS', stream, group)) as unknown[][];
    for (const info of consumers) {
      const fields = xinfoFields(info);
      if (fields.name !== consumer && Number(fields.pending) === 0 && Number(fields.idle) > claimIdleMs) {
        await reader.xgroup('DELCONSUMER', stream, group, String(fields.name));
      }
    }
  };

  const lost = async (ids: string[]) => {
    await reader.xack(stream, group, ...ids);
    metrics.telemetryLostEntries.inc(ids.length);
    log.error(
      { entries: ids.length, first: ids[0] },
      'telemetry sink: entries were trimmed from the stream before they were written; their samples are lost',
    );
  };

  const insert = async (entries: Array<[string, string[]]>) => {
    let body = '';
    let samples = 0;
    for (const [id, fields] of entries) {
      const entry = readEntry(fields);
      if (!entry) throw new Error(`stream entry ${id} holds no telemetry frames`);
      body += body ? `\n${entry.frames}` : entry.frames;
      samples += entry.samples;
    }
    await warehouse.insertText('meter_frames', 'JSONEachRow', `${body}\n`, {
      insert_deduplication_token: `${entries[0]?.[0]}-${entries.at(-1)?.[0]}-${samples}`,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      // A frame the warehouse cannot read fails the insert (and is set aside below), never half-written.
      input_format_allow_errors_num: '0',
      // One core per insert: embedded (chDB), the engine shares the machine with the gateway.
      max_threads: 1,
      max_insert_threads: '1',
      input_format_parallel_parsing: 0,
      // Replays are merged away by ReplacingMergeTree (and FINAL); no merging work on the insert path.
      optimize_on_insert: 0,
    });
    return samples;
  };

  const acknowledge = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += readCount) {
      const piece = ids.slice(i, i + readCount);
      await reader.xack(stream, group, ...piece);
      await reader.xdel(stream, ...piece);
    }
  };

  /** The warehouse answers and has its table: a failed insert was then the data's fault, not an outage. */
  const warehouseAnswers = async () => {
    try {
      for (const table of ['meter_frames', 'meter_values']) {
        await warehouse.client.command({ query: `SELECT 1 FROM ${warehouse.table(table)} LIMIT 0` });
      }
      return true;
    } catch {
      return false;
    }
  };

  const write = async (entries: Array<[string, string[]]>) => {
    try {
      metrics.telemetrySamples.inc({ stage: 'written' }, await insert(entries));
    } catch (error) {
      if (!isDataError(error) || !(await warehouseAnswers())) throw error;
      // One bad entry must not block the stream: write the entries one by one and set aside
      // (in the dead-letter stream, with the reason) those the warehouse refuses.
      for (const entry of entries) {
        try {
          metrics.telemetrySamples.inc({ stage: 'written' }, await insert([entry]));
        } catch (entryError) {
          if (!isDataError(entryError) || !(await warehouseAnswers())) throw entryError;
          const reason = (entryError as Error).message.split('\n')[0] ?? 'refused';
          await reader.xadd(deadLetters, 'MAXLEN', '~', '100000', '*', 'id', entry[0], 'error', reason, ...entry[1]);
          metrics.telemetrySamples.inc({ stage: 'dead-letter' }, samplesOf([entry]));
          log.error({ entry: entry[0], reason }, 'telemetry sink: the warehouse refused an entry; set aside in the dead-letter stream');
        }
      }
    }
    await acknowledge(entries.map(([id]) => id));
  };

  const loop = async () => {
    while (running) {
      try {
        busySince = Date.now();
        if (groupMissing) {
          await createGroup();
          groupMissing = false;
        }
        await claimAbandoned();
        // Our own pending entries first (a failed batch, or ones claimed from a stopped sink), then new ones.
        let entries = await read('0');
        if (entries.length === 0) entries = await read('>');
        // A pending entry the stream trimmed meanwhile comes back without fields.
        const trimmed = entries.filter(([, fields]) => !fields);
        if (trimmed.length) {
          await lost(trimmed.map(([id]) => id));
          entries = entries.filter(([, fields]) => fields);
        }
        idle = entries.length === 0;
        if (!idle) await write(entries);
        backoffMs = 0;
        busySince = 0;
        failingSince = 0;
        if (!idle && entries.length < batchSize && running) await pause(gapMs);
      } catch (error) {
        if (!running) break;
        busySince = 0;
        failingSince ||= Date.now();
        if (isNoGroup(error)) {
          // Without its group the stream cannot be read, ever: make it again at once instead of backing off.
          // What the old stream held and the warehouse did not is gone with it (see REDIS_DURABILITY).
          groupMissing = true;
          log.error(
            { stream, group },
            "telemetry sink: the stream's consumer group is gone (Redis restarted without its data?); creating it again",
          );
          continue;
        }
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
      wake?.();
      if ((await deps.telemetry.backlog(group)) === 0 && idle) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  const sink: TelemetrySink = {
    drain,
    ready,
    /** Writes what is buffered (up to a few seconds' worth), then stops; the rest waits in Redis. */
    async close() {
      await drain(5000).catch(() => false);
      running = false;
      if (deps.telemetrySink === sink) deps.telemetrySink = undefined;
      reader.disconnect();
      await done;
    },
  };
  // The probes read it: /readyz fails while this sink cannot work.
  deps.telemetrySink = sink;
  return sink;
}
