import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { isReady } from '../platform/redis.js';

/** One exchange of the OCPP message log: a CALL and its answer (migrations/clickhouse/0006_ocpp_messages.sql). */
export interface MessageExchange {
  station: string;
  /** When the CALL was received ('in') or sent ('out'), epoch ms. */
  at: number;
  messageId: string;
  direction: 'in' | 'out';
  action: string;
  requestBytes: number;
  responseBytes: number;
  latencyMs: number;
  /** '' for a CALLRESULT, else the CALLERROR's code, or 'Timeout'. */
  errorCode: string;
  /** The raw frames, when payloads are kept (OCPP_LOG_PAYLOAD_DAYS > 0). */
  request: string | null;
  response: string | null;
}

export interface MessageLogOptions {
  /** A batch is handed to Redis this often at least. */
  flushMs?: number;
  /** ...or as soon as it holds this many exchanges. */
  batchLines?: number;
  /** Exchanges held in memory at most (the batch being gathered and those Redis has not confirmed): past it, dropped. */
  maxPending?: number;
  /** Entries the stream keeps at most (approximately). */
  maxLength?: number;
  /** Counts exchanges by stage: logged (in Redis), dropped (Redis away or slow, or the buffer full). */
  count?: (stage: 'logged' | 'dropped', n: number) => void;
  onError?: (error: unknown, dropped: number) => void;
}

/**
 * The OCPP message log's side in the gateway: exchanges are encoded as one short JSON line each (the
 * warehouse's `ocpp_message_lines` shape) into a bounded in-memory batch that goes to a Redis stream as one
 * entry, every flushMs or batchLines. Nothing on the OCPP path waits for it: a diagnostic log, unlike meter
 * samples, is not worth a charger's retry, so what Redis cannot take (away, or past maxPending) is dropped and
 * counted. The workers' sink moves the stream into the warehouse.
 */
export class MessageLog {
  readonly stream: string;
  private lines: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Exchanges sent to Redis and not yet confirmed. */
  private inFlight = 0;
  private readonly settled = new Set<Promise<void>>();
  private readonly flushMs: number;
  private readonly batchLines: number;
  private readonly maxPending: number;
  private readonly maxLength: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly node: string,
    private readonly options: MessageLogOptions = {},
  ) {
    this.stream = `${prefix}:ocpp-log`;
    this.flushMs = options.flushMs ?? 1000;
    this.batchLines = options.batchLines ?? 2000;
    this.maxPending = options.maxPending ?? 50_000;
    this.maxLength = options.maxLength ?? 200_000;
  }

  record(x: MessageExchange): void {
    if (this.lines.length + this.inFlight >= this.maxPending) {
      this.options.count?.('dropped', 1);
      return;
    }
    let line = `{"s":${JSON.stringify(x.station)},"t":${x.at},"i":${JSON.stringify(x.messageId)},"d":"${x.direction}","a":${JSON.stringify(x.action)},"q":${x.requestBytes},"r":${x.responseBytes},"l":${Math.round(x.latencyMs * 1000) / 1000},"e":${JSON.stringify(x.errorCode)}`;
    if (x.request !== null) line += `,"p":${JSON.stringify(x.request)}`;
    if (x.response !== null) line += `,"x":${JSON.stringify(x.response)}`;
    this.lines.push(`${line},"n":${JSON.stringify(this.node)}}`);
    if (this.lines.length >= this.batchLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Hands the batch to Redis now; resolves once Redis confirmed it (or it was dropped). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const lines = this.lines;
    if (lines.length === 0) return Promise.resolve();
    this.lines = [];
    const n = lines.length;
    if (!isReady(this.redis)) {
      this.options.count?.('dropped', n);
      return Promise.resolve();
    }
    this.inFlight += n;
    const done = this.redis.xadd(this.stream, 'MAXLEN', '~', String(this.maxLength), '*', 'n', String(n), 'lines', lines.join('\n')).then(
      () => this.options.count?.('logged', n),
      (error: unknown) => {
        this.options.count?.('dropped', n);
        this.options.onError?.(error, n);
      },
    );
    const tracked = done.finally(() => {
      this.inFlight -= n;
      this.settled.delete(tracked);
    });
    this.settled.add(tracked);
    return tracked;
  }

  /** Flushes what is gathered and waits for every batch sent (the gateway's shutdown). */
  async close(): Promise<void> {
    await this.flush();
    await Promise.all([...this.settled]);
  }
}

/** The stream entry's lines (`lines`, `n` of them), or null when it holds none. */
export function readLogEntry(fields: string[]): { lines: string; count: number } | null {
  let lines: string | undefined;
  let count = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'lines') lines = fields[i + 1];
    else if (fields[i] === 'n') count = Number(fields[i + 1]);
  }
  return lines?.trim() ? { lines, count } : null;
}

/** The gateway's message log, counted in evcms_ocpp_log_exchanges_total; Redis failures warned at most once a minute. */
export function messageLogOf(deps: { redis: Redis; prefix: string; nodeId: string; metrics: Metrics; log: Logger }): MessageLog {
  let warnedAt = 0;
  return new MessageLog(deps.redis, deps.prefix, deps.nodeId, {
    count: (stage, n) => deps.metrics.ocppLogged.inc({ stage }, n),
    onError: (error, dropped) => {
      if (Date.now() - warnedAt < 60_000) return;
      warnedAt = Date.now();
      deps.log.warn({ err: error, dropped }, 'OCPP message log: Redis did not take a batch; its exchanges are dropped');
    },
  });
}
