import type { Redis } from 'ioredis';
import type { Deps } from '../system/deps.js';
import { xinfoFields } from '../telemetry/buffer.js';

/** One stream entry: its id and its fields (none when the stream trimmed it while it was pending). */
export type Entry = [string, string[]];

export const group = 'warehouse';

export interface SinkStreamOptions {
  /** Entries per insert. */
  batchSize: number;
  /** Entries per Redis command. */
  readCount: number;
  blockMs: number;
  claimIdleMs: number;
  /** The stream read (by default the telemetry's), and what the sink is called in logs and on its Redis connection. */
  stream?: string;
  name?: string;
  /** Counts entries trimmed before they were written (by default evcms_telemetry_lost_entries_total). */
  countLost?: (entries: number) => void;
}

/**
 * The sink's side of the Redis stream, on a connection of its own: the consumer group, reads of this sink's
 * pending and new entries, the takeover of what stopped sinks left, acknowledgements and the dead letters.
 */
export class SinkStream {
  readonly stream: string;
  readonly name: string;
  private readonly deadLetters: string;
  private readonly consumer: string;
  private readonly reader: Redis;
  private lastClaim = 0;

  constructor(
    private readonly deps: Deps,
    private readonly options: SinkStreamOptions,
    private readonly running: () => boolean,
  ) {
    this.stream = options.stream ?? deps.telemetry.stream;
    this.name = options.name ?? 'telemetry sink';
    this.deadLetters = `${this.stream}:dead`;
    this.consumer = deps.nodeId;
    this.reader = deps.redis.duplicate({ connectionName: `evcms-${this.name.replaceAll(' ', '-')}`, enableAutoPipelining: false });
    // ioredis reconnects by itself; while Redis is away the sink's reads wait, and ready() tells.
    this.reader.on('error', () => {});
  }

  /**
   * From 0: a group created after Redis came back empty takes every entry added since (another node's sink
   * may have created it first: BUSYGROUP).
   */
  async createGroup(): Promise<void> {
    await this.reader.xgroup('CREATE', this.stream, group, '0', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.includes('BUSYGROUP')) throw error;
    });
  }

  private async readOnce(id: string, count: number, block: boolean): Promise<Entry[]> {
    const args: (string | number)[] = ['GROUP', group, this.consumer, 'COUNT', count];
    if (block) args.push('BLOCK', this.options.blockMs);
    const result = (await this.reader.call('XREADGROUP', ...args, 'STREAMS', this.stream, id)) as Array<[string, Entry[]]> | null;
    return result?.[0]?.[1] ?? [];
  }

  /**
   * Up to batchSize entries, in reads of readCount: `0` reads this sink's own pending entries (each read
   * goes on after the last id it got), `>` new ones (only the first read waits for some to arrive).
   */
  async read(id: '0' | '>'): Promise<Entry[]> {
    const { batchSize, readCount } = this.options;
    const entries: Entry[] = [];
    let after: string = id;
    while (entries.length < batchSize) {
      const count = Math.min(readCount, batchSize - entries.length);
      const got = await this.readOnce(after, count, id === '>' && entries.length === 0);
      entries.push(...got);
      if (got.length < count || !this.running()) break;
      if (id === '0') after = got[got.length - 1]?.[0] ?? after;
    }
    return entries;
  }

  /**
   * Takes over what stopped sinks left pending (each sink is a consumer named by its node, new at every
   * start), and forgets those consumers once they hold nothing. Entries the stream trimmed while they were
   * pending come back as ids only: they are acknowledged and counted as lost, loudly.
   */
  async claimAbandoned(): Promise<void> {
    const { claimIdleMs, batchSize } = this.options;
    const { reader, stream, consumer } = this;
    if (Date.now() - this.lastClaim < Math.min(claimIdleMs, 30_000)) return;
    this.lastClaim = Date.now();
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
      if (deleted?.length) await this.lost(deleted);
      cursor = next;
    } while (cursor !== '0-0' && this.running());
    const consumers = (await reader.xinfo('CONSUMERS', stream, group)) as unknown[][];
    for (const info of consumers) {
      const fields = xinfoFields(info);
      if (fields.name !== consumer && Number(fields.pending) === 0 && Number(fields.idle) > claimIdleMs) {
        await reader.xgroup('DELCONSUMER', stream, group, String(fields.name));
      }
    }
  }

  /** Entries trimmed before they were written: acknowledged, counted and logged as lost. */
  async lost(ids: string[]): Promise<void> {
    await this.reader.xack(this.stream, group, ...ids);
    if (this.options.countLost) this.options.countLost(ids.length);
    else this.deps.metrics.telemetryLostEntries.inc(ids.length);
    this.deps.log.error(
      { entries: ids.length, first: ids[0] },
      `${this.name}: entries were trimmed from the stream before they were written; what they held is lost`,
    );
  }

  /** Acknowledges and deletes written entries, in pieces of readCount. */
  async acknowledge(ids: string[]): Promise<void> {
    const { readCount } = this.options;
    for (let i = 0; i < ids.length; i += readCount) {
      const piece = ids.slice(i, i + readCount);
      await this.reader.xack(this.stream, group, ...piece);
      await this.reader.xdel(this.stream, ...piece);
    }
  }

  /** Sets an entry the warehouse refused aside in the dead-letter stream, with the reason. */
  async setAside(entry: Entry, reason: string): Promise<void> {
    await this.reader.xadd(this.deadLetters, 'MAXLEN', '~', '100000', '*', 'id', entry[0], 'error', reason, ...entry[1]);
  }

  disconnect(): void {
    this.reader.disconnect();
  }
}
