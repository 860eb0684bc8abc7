import type { Orm } from '../database/orm.js';
import type { Logger } from '../platform/logger.js';

/** Why a credential was checked. */
export type AuthPurpose = 'Authorize' | 'StartTransaction' | 'StopTransaction' | 'RemoteStart';

export interface AuthDecisionRecord {
  idTag: string;
  stationId: string | null;
  purpose: AuthPurpose;
  status: string;
  reason: string;
  decidedAt: Date;
}

/** Rows per INSERT: six parameters each, well under PostgreSQL's 65,535. */
const batchSize = 1000;

/**
 * The audit of authorization decisions, written behind: `record` only queues (no PostgreSQL round trip on
 * the OCPP hot path); a flush writes the queue in batches, at most `flushMs` after the first record.
 * A failed write puts its rows back (up to `maxPending`, beyond which the oldest are dropped and logged).
 */
export class AuthDecisionLog {
  private pending: AuthDecisionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { orm: Orm; log: Logger; flushMs?: number; maxPending?: number }) {}

  record(decision: AuthDecisionRecord): void {
    this.pending.push(decision);
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.flush().catch((error: unknown) => this.deps.log.error({ err: error }, 'authorization audit: flush failed'));
      },
      this.pending.length >= batchSize ? 0 : (this.deps.flushMs ?? 1000),
    );
    this.timer.unref();
  }

  /** Writes everything queued so far (after any write already under way); resolves to the rows written. */
  flush(): Promise<number> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const run = this.writing.then(() => this.write());
    this.writing = run.catch(() => {});
    return run;
  }

  private async write(): Promise<number> {
    let written = 0;
    while (this.pending.length > 0) {
      const rows = this.pending.splice(0, batchSize);
      try {
        await this.deps.orm.em
          .fork()
          .getConnection()
          .execute(
            `insert into auth_decision (id_tag, station_id, purpose, status, reason, decided_at)
             values ${rows.map(() => '(?, ?::uuid, ?, ?, ?, ?::timestamptz)').join(',')}`,
            rows.flatMap((r) => [
              r.idTag.slice(0, 255),
              r.stationId,
              r.purpose,
              r.status,
              r.reason.slice(0, 255),
              r.decidedAt.toISOString(),
            ]),
          );
      } catch (error) {
        this.pending.unshift(...rows);
        const max = this.deps.maxPending ?? 50_000;
        if (this.pending.length > max) {
          const dropped = this.pending.splice(0, this.pending.length - max);
          this.deps.log.error({ dropped: dropped.length }, 'authorization audit: queue full, oldest decisions dropped');
        }
        throw error;
      }
      written += rows.length;
    }
    return written;
  }
}
