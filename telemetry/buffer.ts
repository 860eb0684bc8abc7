import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisUnavailableError, Unanswered, isReady } from '../platform/redis.js';
import { WriteWindow } from '../platform/write-window.js';
import type { Sample } from './normalise.js';

/**
 * A frame's samples as buffered, and as the warehouse's `meter_frames` table reads them
 * (migrations/clickhouse/0002_meter_frames.sql, 0003_session_id.sql): v holds [ts ms, measurand, phase, location, context, unit, value].
 */
export interface BufferedFrame {
  k: string;
  s: string;
  c: number;
  /** The protocol's transaction key as the station sent it (frames buffered before 0003 hold the 1.6 number). */
  t: string | number | null;
  /** evcms's session id, when the gateway knew the session (absent in frames buffered before 0003). */
  u?: string | null;
  r: number;
  o: string;
  v: Array<[number, string, string, string, string, string, number]>;
}

export interface SampleBatch {
  station: string;
  connectorId: number;
  /** evcms's session id; null when the gateway could not tell (PostgreSQL away, an unknown transaction). */
  sessionId: string | null;
  /** The protocol's transaction key, as sent. */
  transactionId: string | null;
  receivedAt: Date;
  /** MeterValues or StopTransaction. */
  source: string;
  /**
   * Unique per frame, and the same when a frame is sent again (a retry, a replay after reconnect), so the
   * warehouse keeps one copy. Without one, the key is a hash of the frame's content: station, source,
   * connector, transaction and every sample.
   */
  frameKey?: string;
  samples: Sample[];
}

/** The stream entry's fields: `n` samples in `frames`, one BufferedFrame as JSON per line. */
export interface BufferedEntry {
  frames: string;
  samples: number;
}

/** One record of an XINFO reply (name, value, name, value, ...) as an object. */
export function xinfoFields(record: unknown[]): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: record.length / 2 }, (_, i) => [String(record[i * 2]), record[i * 2 + 1]]));
}

/** Reads a stream entry's fields (`frames`, or `frame` as first written); null when it holds no frames. */
export function readEntry(fields: string[]): BufferedEntry | null {
  let frames: string | undefined;
  let samples = Number.NaN;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'frames' || name === 'frame') frames = fields[i + 1];
    else if (name === 'n') samples = Number(fields[i + 1]);
  }
  if (frames === undefined || frames.trim() === '') return null;
  if (!Number.isFinite(samples)) samples = countSamples(frames);
  return { frames, samples };
}

function countSamples(frames: string): number {
  let n = 0;
  for (const line of frames.split('\n')) {
    try {
      n += (JSON.parse(line) as BufferedFrame).v?.length ?? 0;
    } catch {
      // The warehouse will refuse it; the count only feeds a metric.
    }
  }
  return n;
}

interface Group {
  lines: string[];
  samples: number;
  /** Settled when Redis has the group's entry; every push of the group waits on it. */
  stored: PromiseWithResolvers<void>;
  committed: boolean;
}

/**
 * The durable hand-off between the gateway and the warehouse: a Redis stream. Frames pushed in the same
 * write window (see WriteWindow) are committed together, as one stream entry (one XADD for all of them); each
 * push resolves once Redis has its entry, so no OCPP reply goes out before its samples are safe; while Redis
 * is away (or an entry is REDIS_WAIT_MS late) pushes fail with RedisUnavailableError at once.
 * The telemetry sink drains the stream in batches.
 */
export class TelemetryBuffer {
  readonly stream: string;
  private group: Group | null = null;

  private readonly maxLength: number;
  private readonly maxFrames: number;
  private readonly window: WriteWindow;
  /** Entries sent and not yet confirmed: their pushes fail once Redis is away rather than wait for it. */
  private readonly unanswered: Unanswered<PromiseWithResolvers<void>>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: {
      /** Entries the stream keeps at most (approximately). */
      maxLength?: number;
      /**
       * Frames per stream entry at most. A window that fills up is committed at once, without waiting for
       * the window to close: when the loop is busy with a long batch of sockets, the first frames' entry is
       * already in Redis (and their answers due) by the time the batch ends.
       */
      maxFrames?: number;
      /** Frames pushed in one window are committed together (by default, one turn of the loop). */
      window?: WriteWindow;
    } = {},
  ) {
    this.stream = `${prefix}:telemetry`;
    this.maxLength = options.maxLength ?? 5_000_000;
    this.maxFrames = options.maxFrames ?? 32;
    this.window = options.window ?? new WriteWindow(0);
    this.unanswered = new Unanswered(redis, (stored) => stored.reject(new RedisUnavailableError('telemetry')));
  }

  push(batch: SampleBatch): Promise<void> {
    if (batch.samples.length === 0) return Promise.resolve();
    // Compact on the OCPP path (one small JSON line per frame, in BufferedFrame's shape); ClickHouse
    // expands it into rows. The samples are encoded once, for the line and for the content key.
    const values = JSON.stringify(batch.samples.map((x) => [x.ts.getTime(), x.measurand, x.phase, x.location, x.context, x.unit, x.value]));
    const station = JSON.stringify(batch.station);
    const source = JSON.stringify(batch.source);
    const head = `"s":${station},"c":${batch.connectorId},"t":${batch.transactionId === null ? 'null' : JSON.stringify(batch.transactionId)},"o":${source}`;
    // The session id is left out of the key: a frame sent again while PostgreSQL is away (its session unknown) is the same frame.
    const key = batch.frameKey ?? `${batch.station}:${hash('sha1', `${head},"v":${values}`, 'base64url')}`;
    const session = batch.sessionId === null ? 'null' : `"${batch.sessionId}"`;
    const line = `{"k":${JSON.stringify(key)},${head},"u":${session},"r":${batch.receivedAt.getTime()},"v":${values}}`;
    let group = this.group;
    if (!group) {
      group = { lines: [], samples: 0, stored: Promise.withResolvers<void>(), committed: false };
      this.group = group;
      this.window.schedule(() => this.commit(group as Group));
    }
    group.lines.push(line);
    group.samples += batch.samples.length;
    if (group.lines.length >= this.maxFrames) this.commit(group);
    return group.stored.promise;
  }

  private commit(group: Group): void {
    if (this.group === group) this.group = null;
    if (group.committed) return;
    group.committed = true;
    const frames = group.lines.join('\n');
    group.lines = [];
    // Only the resolvers wait for Redis: the lines are let go once joined. The entry stays a string: handed
    // over as a Buffer (off the JS heap), the external memory brought 5 to 8 mark-compacts per 10 s
    // MeterValues phase at 10,000 stations, against 0 to 2.
    const { stored } = group;
    // Redis away: the samples are not safe, and the charger keeps its MeterValues to send again (a retry).
    if (!isReady(this.redis)) {
      stored.reject(new RedisUnavailableError('telemetry'));
      return;
    }
    this.unanswered.add(stored);
    this.redis.xadd(this.stream, 'MAXLEN', '~', String(this.maxLength), '*', 'n', String(group.samples), 'frames', frames).then(
      () => this.unanswered.delete(stored) && stored.resolve(),
      (error: unknown) => this.unanswered.delete(stored) && stored.reject(error),
    );
  }

  /** Entries not yet written to the warehouse (waiting or being written). */
  backlog(group = 'warehouse'): Promise<number> {
    return streamBacklog(this.redis, this.stream, group);
  }
}

/** Entries of a stream its consumer group has not acknowledged yet (waiting or being read). */
export async function streamBacklog(redis: Redis, stream: string, group: string): Promise<number> {
  try {
    const info = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    for (const entry of info) {
      const fields = xinfoFields(entry);
      if (fields.name === group) return Number(fields.lag ?? 0) + Number(fields.pending ?? 0);
    }
    return await redis.xlen(stream);
  } catch {
    return await redis.xlen(stream);
  }
}
