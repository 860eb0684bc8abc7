import type { Redis } from 'ioredis';
import { isPostgresUnavailable, postgresAnswered } from '../database/availability.js';
import type { StationIdentity } from '../stations/service.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { isReady, RELEASE_IF_OWNER, RedisUnavailableError } from '../platform/redis.js';
import type { StopInput, StopOutcome } from './service.js';

/** A stop taken while PostgreSQL was away: one stream entry (field `stop`, this as JSON), applied when it is back. */
export interface JournalledStop {
  stationId: string;
  identity: string;
  /** The protocol's key as sent (journals written before sessions had their own id hold the 1.6 number). */
  transactionId: string | number;
  meterStopWh: number;
  /** ISO 8601, as for the other times. */
  stoppedAt: string;
  reason?: string | undefined;
  idTag?: string | undefined;
  receivedAt: string;
  journalledAt: string;
}

type Station = Pick<StationIdentity, 'id' | 'identity'>;

export interface StopApplier {
  stop(station: Station, input: StopInput): Promise<StopOutcome>;
  /** What the applied stop leaves to record (its anomalies), as the handler would have. */
  applied(stop: JournalledStop, outcome: StopOutcome): Promise<void>;
}

/** Entries applied per read, so one drain holds neither the lock nor the loop for long. */
const BATCH = 100;
/** Stops the journal keeps at most (about): far more than every station's stops of a long outage. */
const JOURNAL_MAX_ENTRIES = 1_000_000;
/** How long one node holds the drain: longer than a batch takes, short enough that a crashed node's lock lapses soon. */
const LOCK_MS = 30_000;

/**
 * StopTransactions that PostgreSQL could not take, kept in a Redis stream (durable as the telemetry
 * buffer is) until it can. The drain runs on every gateway; a lock lets one node at a time apply, in
 * stream order. Applying goes through SessionService.stop, which is final, so an entry applied twice
 * (a crash before the XDEL, the charger's own repeat journalled too) changes nothing the second time.
 */
export class StopJournal {
  readonly key: string;
  /** Entries that failed for a reason other than an outage: kept with the reason, for a person to look at. */
  readonly deadKey: string;
  private readonly lockKey: string;

  constructor(private readonly deps: { redis: Redis; prefix: string; metrics: Metrics; log: Logger }) {
    this.key = `${deps.prefix}:sessions:stop-journal`;
    this.deadKey = `${deps.prefix}:sessions:stop-journal:dead`;
    this.lockKey = `${deps.prefix}:sessions:stop-journal:lock`;
  }

  async append(station: Station, input: StopInput): Promise<void> {
    const entry: JournalledStop = {
      stationId: station.id,
      identity: station.identity,
      transactionId: input.transactionId,
      meterStopWh: input.meterStopWh,
      stoppedAt: input.stoppedAt.toISOString(),
      reason: input.reason,
      idTag: input.idTag,
      receivedAt: input.receivedAt.toISOString(),
      journalledAt: new Date().toISOString(),
    };
    // Redis away as well: refused at once (the station retries), not left in ioredis's offline queue.
    if (!isReady(this.deps.redis)) throw new RedisUnavailableError('the stop journal');
    // Bounded, as the telemetry stream is: a station cannot grow Redis without limit during a long outage.
    await this.deps.redis.xadd(this.key, 'MAXLEN', '~', String(JOURNAL_MAX_ENTRIES), '*', 'stop', JSON.stringify(entry));
    this.deps.metrics.sessionStops.inc({ stage: 'journalled' });
  }

  /** Entries not applied yet (also set as the backlog gauge). */
  async backlog(): Promise<number> {
    const n = await this.deps.redis.xlen(this.key);
    this.deps.metrics.stopJournalBacklog.set(n);
    return n;
  }

  /**
   * Applies what is journalled, oldest first, if no other node is at it. Stops at the first outage (the
   * rest waits for the next drain); an entry is deleted only once applied or dead-lettered.
   */
  async drain(applier: StopApplier, owner: string): Promise<{ applied: number; deadLettered: number }> {
    const done = { applied: 0, deadLettered: 0 };
    // Redis away: nothing to drain until it is back (a command now would wait in ioredis's offline queue).
    if (!isReady(this.deps.redis) || (await this.backlog()) === 0) return done;
    if ((await this.deps.redis.set(this.lockKey, owner, 'PX', LOCK_MS, 'NX')) !== 'OK') return done;
    try {
      for (;;) {
        // The lock outlives a long drain: renewed before each batch, so no other node applies the same stops.
        await this.deps.redis.pexpire(this.lockKey, LOCK_MS);
        const entries = await this.deps.redis.xrange(this.key, '-', '+', 'COUNT', BATCH);
        if (entries.length === 0) break;
        for (const [id, fields] of entries) {
          const outcome = await this.applyOne(applier, fields);
          if (outcome === 'outage') return done;
          await this.deps.redis.xdel(this.key, id);
          done[outcome === 'applied' ? 'applied' : 'deadLettered']++;
        }
      }
      return done;
    } finally {
      await this.deps.redis.eval(RELEASE_IF_OWNER, 1, this.lockKey, owner).catch(() => {});
      await this.backlog().catch(() => {});
    }
  }

  private async applyOne(applier: StopApplier, fields: string[]): Promise<'applied' | 'dead' | 'outage'> {
    const raw = fields[fields.indexOf('stop') + 1] ?? '';
    try {
      const stop = JSON.parse(raw) as JournalledStop;
      const outcome = await applier.stop(
        { id: stop.stationId, identity: stop.identity },
        {
          transactionId: String(stop.transactionId),
          meterStopWh: stop.meterStopWh,
          stoppedAt: new Date(stop.stoppedAt),
          reason: stop.reason,
          idTag: stop.idTag,
          receivedAt: new Date(stop.receivedAt),
        },
      );
      // PostgreSQL is back: the anomalies below (and the OCPP path) need not wait out the outage hold.
      postgresAnswered();
      await applier.applied(stop, outcome);
      this.deps.metrics.sessionStops.inc({ stage: 'applied' });
      return 'applied';
    } catch (error) {
      if (isPostgresUnavailable(error)) return 'outage';
      const reason = (error as Error).message;
      this.deps.log.error({ err: error, stop: raw }, 'sessions: a journalled stop could not be applied; dead-lettered');
      await this.deps.redis.rpush(this.deadKey, JSON.stringify({ stop: raw, reason, at: new Date().toISOString() }));
      this.deps.metrics.sessionStops.inc({ stage: 'dead-letter' });
      return 'dead';
    }
  }
}
