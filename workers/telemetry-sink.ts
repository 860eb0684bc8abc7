import type { Deps } from '../system/deps.js';
import { type Entry, SinkStream, type SinkStreamOptions, group } from './telemetry-sink-stream.js';
import { SinkWriter } from './telemetry-sink-writer.js';

export { isDataError } from './telemetry-sink-writer.js';

export interface TelemetrySink {
  /** Resolves when everything buffered so far is in the warehouse (or `timeoutMs` passed). */
  drain(timeoutMs?: number): Promise<boolean>;
  /** False while the sink cannot work: a read or write stuck, or failing, for longer than `stallMs`. */
  ready(): boolean;
  close(): Promise<void>;
}

export interface TelemetrySinkOptions {
  batchSize?: number;
  readCount?: number;
  blockMs?: number;
  gapMs?: number;
  claimIdleMs?: number;
  stallMs?: number;
}

export type SinkSettings = SinkStreamOptions & { gapMs: number; stallMs: number };

/** Writes a batch of stream entries to the warehouse, acknowledging them once written. */
export interface StreamWriter {
  write(entries: Entry[]): Promise<void>;
}

export function settingsOf(options: TelemetrySinkOptions): SinkSettings {
  // Entries per insert; an entry holds the frames of one write window of a gateway (see platform/write-window.ts).
  const batchSize = options.batchSize ?? 500;
  return {
    batchSize,
    // Entries per Redis command. Redis runs one command at a time for every client, and the gateways' XADDs
    // (each MeterValues answer waits for one) queue behind it: one XREADGROUP of a whole batch (500 entries of
    // up to 32 frames, about 11 MB) held Redis for 10 to 90 ms on a busy machine. A batch is gathered from
    // reads of this many entries instead, and acknowledged in pieces of the same size.
    readCount: Math.max(1, Math.min(options.readCount ?? 50, batchSize)),
    blockMs: options.blockMs ?? 500,
    // Once caught up, the sink lets entries gather for this long: ClickHouse wants few large inserts
    // (each one is a part to write and merge), not many small ones. drain() cuts the wait short.
    gapMs: options.gapMs ?? 500,
    // Entries another consumer took and left pending this long are claimed: that sink stopped or died (a
    // live one re-reads its pending entries at every retry, at most 30 s apart, which resets their idle time).
    claimIdleMs: options.claimIdleMs ?? 120_000,
    stallMs: options.stallMs ?? 5000,
  };
}

/** The stream or its consumer group is gone: Redis restarted without its data (or someone deleted the key). */
const isNoGroup = (error: unknown): boolean => /\bNOGROUP\b/.test((error as Error)?.message ?? String(error));

/** The sink's rounds: read a batch (pending entries first), write it, and back off while the warehouse fails. */
class SinkLoop {
  running = true;
  idle = true;
  private backoffMs = 0;
  private groupMissing = false;
  // For ready(): when the current round of reads and writes began (0 while pausing between rounds), and
  // when rounds began to fail (0 once one succeeds). A read waits at most blockMs when all is well; with
  // Redis away, it waits, without failing, until Redis is back.
  private busySince = 0;
  private failingSince = 0;
  private wake: (() => void) | null = null;
  readonly stream: SinkStream;
  private readonly writer: StreamWriter;

  constructor(
    private readonly deps: Deps,
    private readonly settings: SinkSettings,
    writerOf: (stream: SinkStream) => StreamWriter = (stream) => new SinkWriter(deps, stream),
  ) {
    this.stream = new SinkStream(deps, settings, () => this.running);
    this.writer = writerOf(this.stream);
  }

  ready(): boolean {
    const now = Date.now();
    const { stallMs, blockMs } = this.settings;
    return !(this.failingSince && now - this.failingSince > stallMs) && !(this.busySince && now - this.busySince > blockMs + stallMs);
  }

  /** Cuts the gap between rounds short. */
  hurry(): void {
    this.wake?.();
  }

  async run(): Promise<void> {
    while (this.running) {
      try {
        await this.round();
      } catch (error) {
        if (!this.running) break;
        await this.failed(error);
      }
    }
  }

  private async round(): Promise<void> {
    const { stream, settings } = this;
    this.busySince = Date.now();
    if (this.groupMissing) {
      await stream.createGroup();
      this.groupMissing = false;
    }
    await stream.claimAbandoned();
    // Our own pending entries first (a failed batch, or ones claimed from a stopped sink), then new ones.
    let entries = await stream.read('0');
    if (entries.length === 0) entries = await stream.read('>');
    // A pending entry the stream trimmed meanwhile comes back without fields.
    const trimmed = entries.filter(([, fields]) => !fields);
    if (trimmed.length) {
      await stream.lost(trimmed.map(([id]) => id));
      entries = entries.filter(([, fields]) => fields);
    }
    this.idle = entries.length === 0;
    if (!this.idle) await this.writer.write(entries);
    this.backoffMs = 0;
    this.busySince = 0;
    this.failingSince = 0;
    if (!this.idle && entries.length < settings.batchSize && this.running) await this.pause(settings.gapMs);
  }

  private async failed(error: unknown): Promise<void> {
    const { log } = this.deps;
    this.busySince = 0;
    this.failingSince ||= Date.now();
    if (isNoGroup(error)) {
      // Without its group the stream cannot be read, ever: make it again at once instead of backing off.
      // What the old stream held and the warehouse did not is gone with it (see REDIS_DURABILITY).
      this.groupMissing = true;
      log.error(
        { stream: this.stream.stream, group },
        `${this.stream.name}: the stream's consumer group is gone (Redis restarted without its data?); creating it again`,
      );
      return;
    }
    this.backoffMs = Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 500);
    log.warn({ err: error, retryInMs: this.backoffMs }, `${this.stream.name}: warehouse write failed; the entries stay buffered`);
    await new Promise((r) => setTimeout(r, this.backoffMs));
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/**
 * Moves samples from the Redis stream to the warehouse in batches. The entries' text goes to the
 * `meter_frames` table as it is (JSON lines); ClickHouse expands each frame into meter_values rows,
 * so the sink parses and encodes nothing. An entry is acknowledged only after its insert succeeded;
 * when the warehouse fails, entries stay pending and are retried with backoff, and each row's
 * sample_id (plus the batch's dedup token) keeps a replay from duplicating.
 */
export async function startTelemetrySink(deps: Deps, options: TelemetrySinkOptions = {}): Promise<TelemetrySink> {
  const sink = await startStreamSink(deps, settingsOf(options), {
    backlog: () => deps.telemetry.backlog(group),
    onClose: () => {
      if (deps.telemetrySink === sink) deps.telemetrySink = undefined;
    },
  });
  // The probes read it: /readyz fails while this sink cannot work.
  deps.telemetrySink = sink;
  return sink;
}

/** A sink's rounds over a Redis stream into the warehouse (the telemetry's, or another one's with its own writer). */
export async function startStreamSink(
  deps: Deps,
  settings: SinkSettings,
  how: { backlog: () => Promise<number>; writerOf?: (stream: SinkStream) => StreamWriter; onClose?: () => void },
): Promise<TelemetrySink> {
  const loop = new SinkLoop(deps, settings, how.writerOf);
  await loop.stream.createGroup();
  const done = loop.run();

  const drain = async (timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      loop.hurry();
      if ((await how.backlog()) === 0 && loop.idle) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  return {
    drain,
    ready: () => loop.ready(),
    /** Writes what is buffered (up to a few seconds' worth), then stops; the rest waits in Redis. */
    async close() {
      await drain(5000).catch(() => false);
      loop.running = false;
      how.onClose?.();
      loop.stream.disconnect();
      await done;
    },
  };
}
