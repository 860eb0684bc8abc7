import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CredentialType } from '../schema/entities/index.js';
import { isPostgresUnavailable, withinDeadline } from '../database/availability.js';
import type { Orm } from '../database/orm.js';
import { type Sql, WriteBehind } from '../database/sql.js';
import type { EventBus } from '../events/bus.js';
import type { StationIdentity } from '../stations/service.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { RedisUnavailableError } from '../platform/redis.js';
import { sessionEnergy } from '../telemetry/normalise.js';
import { type ClosedSession, closeOnConnectorFree } from './lost-stops.js';
import { type OpenRow, type OpenSession, OpenSessionCache, openColumns, openSession, readingWh } from './open-sessions.js';
import { StopJournal } from './stop-journal.js';

export interface StartInput {
  /** The protocol's key for it when the station issues one (2.0.1); absent, evcms issues an OCPP 1.6 int32. */
  transactionId?: string | undefined;
  /** 1.6: the connector's number (one EVSE per connector). */
  evseId?: number | undefined;
  connectorId: number;
  /** The credential's value, as the station sent it. */
  idTag: string;
  credentialType: CredentialType;
  meterStartWh: number;
  /** As the station sent it. */
  startedAt: Date;
  reservationId?: number | undefined;
  authStatus: string;
  idTokenId: string | null;
  receivedAt: Date;
}

export interface StopInput {
  /** The protocol's key, as the station sent it (1.6: the int32 as decimal). */
  transactionId: string;
  meterStopWh: number;
  stoppedAt: Date;
  reason?: string | undefined;
  idTag?: string | undefined;
  receivedAt: Date;
}

export type StopOutcome =
  | { kind: 'stopped'; sessionId: string; energyWh: number | null; flags: string[]; connectorId: number; idTag: string }
  | { kind: 'already-stopped'; sessionId: string; connectorId: number }
  | { kind: 'unknown' };

/** A stop PostgreSQL could not take now: kept in the journal, applied (and its anomalies recorded) when it is back. */
export type DurableStopOutcome = StopOutcome | { kind: 'journalled' };

/** A meter reading in Wh as stored: any whole number of at most 2^53 (15 digits); null for one beyond. */
export const storableWh = (wh: number): number | null => (Number.isSafeInteger(wh) ? wh : null);

/** Whether an OCPP 1.6 id (a transactionId, a reservationId) is one evcms could have issued: an int32. */
export const isTransactionId = (id: number): boolean => Number.isInteger(id) && id >= -(2 ** 31) && id < 2 ** 31;

/**
 * A session a stop may still end: an open one, or one evcms closed for want of its stop (`stop-lost`: a new
 * start on its connector, the connector Available, silence, an operator; sessions/lost-stops.ts) before the
 * station's own stop arrived. That stop comes late when it was journalled in a PostgreSQL outage or queued by
 * a station offline: its meterStop, time and reason replace evcms's guess, once.
 */
const stoppable = `(state = 'Active' or (meter_stop_wh is null and flags @> '["stop-lost"]'::jsonb))`;

export type { OpenSession } from './open-sessions.js';

/**
 * Charging sessions, by evcms's own id (a UUID); stations name them by the protocol's transaction key.
 * StartTransaction is idempotent (a retry gets the same transactionId),
 * StopTransaction is final (a repeat changes nothing), live energy and power are written behind.
 */
export class SessionService {
  /** Open session id → its latest live figures (`at` in ms since epoch), until the next flush. */
  private readonly live = new WriteBehind<string, { energyWh: number | null; powerW: number | null; at: number }>(
    (id, v) => [
      id,
      v.energyWh === null || !Number.isFinite(v.energyWh) ? null : storableWh(Math.round(v.energyWh)),
      finiteOrNull(v.powerW),
      finiteOrNull(v.at),
    ],
    (arrays) =>
      this.deps.sql.query(
        `update charging_session t set live_energy_wh = coalesce(v.energy, t.live_energy_wh),
           live_power_w = coalesce(v.power, t.live_power_w), last_meter_at = coalesce(to_timestamp(v.ms / 1000.0), t.last_meter_at),
           -- A register below the session's start, or below the last one in a later reading (not a replayed older
           -- one), is flagged once, for the energy-out-of-range alert.
           flags = case when (v.energy < 0 or v.energy < t.live_energy_wh and to_timestamp(v.ms / 1000.0) >= t.last_meter_at)
             and not t.flags @> '["energy-decreased"]'::jsonb then t.flags || '["energy-decreased"]'::jsonb else t.flags end,
           updated_at = now()
         from unnest($1::uuid[], $2::bigint[], $3::float8[], $4::float8[]) as v(id, energy, power, ms)
         where t.id = v.id and t.state = 'Active'`,
        arrays,
      ),
  );

  /** Stops taken while PostgreSQL was away. */
  readonly journal: StopJournal;

  /** Open sessions by station and transactionId, so MeterValues need no database round trip (sessions/open-sessions.ts). */
  private readonly openCache = new OpenSessionCache();

  constructor(
    private readonly deps: { orm: Orm; sql: Sql; events: EventBus; log: Logger; redis: Redis; prefix: string; metrics: Metrics },
  ) {
    this.journal = new StopJournal(deps);
  }

  private sql() {
    return this.deps.orm.em.fork().getConnection();
  }

  static startKey(stationId: string, input: Pick<StartInput, 'connectorId' | 'idTag' | 'meterStartWh' | 'startedAt'>): string {
    return createHash('sha256')
      .update([stationId, input.connectorId, input.idTag, input.meterStartWh, input.startedAt.toISOString()].join('|'))
      .digest('base64url');
  }

  /** Starts a session, or finds the one a retried StartTransaction started already. */
  async start(
    station: StationIdentity,
    input: StartInput,
  ): Promise<{ sessionId: string; transactionId: string; created: boolean; authStatus: string }> {
    const key = SessionService.startKey(station.id, input);
    const sql = this.sql();
    const reservationId = input.reservationId !== undefined && isTransactionId(input.reservationId) ? input.reservationId : null;
    const inserted = await sql.execute<{ id: string; transaction_id: string }[]>(
      `insert into charging_session
         (id, transaction_id, start_key, station_id, evse_id, connector_id, id_tag, credential_type, id_token_id, auth_status,
          reservation_id, state, meter_start_wh, started_at, start_received_at, flags, updated_at)
       values (gen_random_uuid(), coalesce(?, nextval('ocpp16_transaction_id')::text), ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Active', ?, ?, ?,
         ?::jsonb, now())
       on conflict (start_key) do nothing
       returning id, transaction_id`,
      [
        input.transactionId ?? null,
        key,
        station.id,
        input.evseId ?? input.connectorId,
        input.connectorId,
        input.idTag,
        input.credentialType,
        input.idTokenId,
        input.authStatus,
        // One no int4 column can hold is no reservation evcms made (reservation ids are int32 too).
        reservationId,
        storableWh(input.meterStartWh),
        input.startedAt.toISOString(),
        input.receivedAt.toISOString(),
        JSON.stringify([
          ...(input.authStatus === 'Accepted' ? [] : ['not-authorised']),
          ...(storableWh(input.meterStartWh) === null ? ['invalid-meter'] : []),
        ]),
      ],
    );
    const created = inserted[0];
    if (!created) {
      const found = await sql.execute<{ id: string; transaction_id: string; auth_status: string }[]>(
        'select id, transaction_id, auth_status from charging_session where start_key = ?',
        [key],
      );
      const row = found[0];
      if (!row) throw new Error('StartTransaction: session vanished between insert and select');
      return { sessionId: row.id, transactionId: row.transaction_id, created: false, authStatus: row.auth_status };
    }
    // A connector has one session at a time: an older one still open lost its stop (offline, reboot).
    await sql.execute(
      `update charging_session set state = 'Completed', stop_reason = 'Superseded', stop_received_at = ?,
         flags = flags || '["stop-lost"]'::jsonb, updated_at = now()
       where station_id = ? and connector_id = ? and state = 'Active' and id <> ?`,
      [input.receivedAt.toISOString(), station.id, input.connectorId, created.id],
    );
    if (reservationId !== null) {
      await sql.execute(
        `update reservation set status = 'Used', session_id = ?, updated_at = now()
         where id = ? and station_id = ? and status in ('Accepted', 'Requested')`,
        [created.id, reservationId, station.id],
      );
    }
    // Announced, not awaited: publish never rejects (events are dropped and counted while Redis is away), and
    // a slow Redis must not use up the deadline this work has for PostgreSQL (it would be taken for an outage).
    void this.deps.events.publish('session.started', {
      stationId: station.id,
      identity: station.identity,
      sessionId: created.id,
      transactionId: created.transaction_id,
      connectorId: input.connectorId,
      idTag: input.idTag,
      at: input.startedAt.toISOString(),
    });
    return { sessionId: created.id, transactionId: created.transaction_id, created: true, authStatus: input.authStatus };
  }

  /** Ends a session once; the energy is meterStop - meterStart, or null and flagged when that is not sane. */
  async stop(station: Pick<StationIdentity, 'id' | 'identity'>, input: StopInput): Promise<StopOutcome> {
    const sql = this.sql();
    const rows = await sql.execute<
      { id: string; meter_start_wh: string | null; state: string; connector_id: number; id_tag: string; stoppable: boolean }[]
    >(
      `select id, meter_start_wh, state, connector_id, id_tag, ${stoppable} as stoppable from charging_session
       where station_id = ? and transaction_id = ?`,
      [station.id, input.transactionId],
    );
    const row = rows[0];
    if (!row) return { kind: 'unknown' };
    if (!row.stoppable) return { kind: 'already-stopped', sessionId: row.id, connectorId: row.connector_id };
    const meterStopWh = storableWh(input.meterStopWh);
    const check = sessionEnergy(readingWh(row.meter_start_wh), meterStopWh ?? Number.NaN);
    const updated = await sql.execute<{ id: number }[]>(
      `update charging_session set state = 'Completed', meter_stop_wh = ?, stopped_at = ?, stop_received_at = ?,
         stop_reason = ?, stop_id_tag = ?, energy_wh = ?, live_energy_wh = coalesce(?, live_energy_wh),
         flags = (flags - 'stop-lost') || ?::jsonb, updated_at = now(),
         -- Held only for want of this stop: billed now that it came (billing/holds.ts).
         billing_status = case when billing_status = 'held' and billing_hold like 'stop-lost:%' then 'pending' else billing_status end,
         billing_hold = case when billing_status = 'held' and billing_hold like 'stop-lost:%' then null else billing_hold end
       where id = ? and ${stoppable} returning id`,
      [
        meterStopWh,
        input.stoppedAt.toISOString(),
        input.receivedAt.toISOString(),
        input.reason ?? 'Local',
        input.idTag ?? null,
        check.energyWh,
        check.energyWh,
        JSON.stringify(check.flags),
        row.id,
      ],
    );
    if (!updated[0]) return { kind: 'already-stopped', sessionId: row.id, connectorId: row.connector_id };
    this.live.delete(row.id);
    this.forgetOpen(station.id, input.transactionId);
    // Announced, not awaited: publish never rejects (events are dropped and counted while Redis is away), and
    // a slow Redis must not use up the deadline this work has for PostgreSQL (it would be taken for an outage).
    void this.deps.events.publish('session.ended', {
      stationId: station.id,
      identity: station.identity,
      sessionId: row.id,
      transactionId: input.transactionId,
      connectorId: row.connector_id,
      energyWh: check.energyWh,
      reason: input.reason ?? 'Local',
      at: input.stoppedAt.toISOString(),
    });
    return {
      kind: 'stopped',
      sessionId: row.id,
      energyWh: check.energyWh,
      flags: check.flags,
      connectorId: row.connector_id,
      idTag: row.id_tag,
    };
  }

  /**
   * stop(), or, when PostgreSQL is away or does not answer within the OCPP deadline, the stop journalled
   * in Redis for the drain to apply. A stop that reached PostgreSQL late is harmless: the drain finds it final.
   */
  async stopDurably(station: Pick<StationIdentity, 'id' | 'identity'>, input: StopInput): Promise<DurableStopOutcome> {
    try {
      return await withinDeadline(() => this.stop(station, input));
    } catch (error) {
      if (!isPostgresUnavailable(error)) throw error;
      this.deps.log.warn({ err: error, transactionId: input.transactionId }, 'sessions: PostgreSQL away; stop journalled');
      // PostgreSQL and Redis both away: a CALLERROR the station retries (unavailable), never an InternalError.
      await this.journal.append(station, input).catch((journalError: unknown) => {
        this.deps.log.error({ err: journalError, transactionId: input.transactionId }, 'sessions: the stop journal is unavailable too');
        throw journalError instanceof RedisUnavailableError ? journalError : new RedisUnavailableError('the stop journal');
      });
      return { kind: 'journalled' };
    }
  }

  /**
   * The open session with this id at this station, if any. While PostgreSQL is away, none (the samples are
   * buffered all the same; only the live figures of a session this gateway did not know wait).
   */
  async findOpen(station: StationIdentity, transactionId: string): Promise<OpenSession | null> {
    const rows = await withinDeadline(() =>
      this.sql().execute<OpenRow[]>(
        `select ${openColumns} from charging_session where station_id = ? and transaction_id = ? and state = 'Active'`,
        [station.id, transactionId],
      ),
    ).catch((error: unknown) => {
      if (isPostgresUnavailable(error)) return [];
      throw error;
    });
    const row = rows[0];
    return row ? openSession(row) : null;
  }

  /** The cached open session with this transactionId at this station, if this node knows it. */
  cachedOpen(stationId: string, transactionId: string): OpenSession | undefined {
    return this.openCache.get(stationId, transactionId);
  }

  /** Keeps an open session for the station's next MeterValues; one still cached on its connector is dropped (superseded). */
  rememberOpen(stationId: string, session: OpenSession, superseding = false): void {
    this.openCache.remember(stationId, session, superseding);
  }

  /** Drops one session from the cache (it stopped); returns what was cached. */
  forgetOpen(stationId: string, transactionId: string): OpenSession | undefined {
    return this.openCache.forget(stationId, transactionId);
  }

  /** Closes, for want of its stop, a session still open on a connector the station now says is Available (sessions/lost-stops.ts). */
  async closeOnConnectorFree(
    stationId: string,
    status: { connectorId: number; status: string; timestamp?: string },
    receivedAt: Date,
  ): Promise<ClosedSession[]> {
    if (status.connectorId < 1 || status.status !== 'Available') return [];
    // Closed with the live energy: what this node holds of it goes to PostgreSQL first (one look, no write, when none is open).
    const open = await this.sql().execute<{ id: string }[]>(
      `select id from charging_session where station_id = ? and connector_id = ? and state = 'Active' limit 1`,
      [stationId, status.connectorId],
    );
    if (!open[0]) return [];
    await this.flushLive();
    const closed = await closeOnConnectorFree(this.deps, stationId, status, receivedAt);
    for (const session of closed) {
      this.forgetOpen(session.stationId, session.transactionId);
      this.live.delete(session.sessionId);
      this.deps.log.warn(
        { sessionId: session.sessionId, identity: session.identity },
        'sessions: closed, the connector is Available without a stop',
      );
    }
    return closed;
  }

  /** Drops a station's cached sessions: its last socket on this node closed (another node may take it next). */
  forgetStation(stationId: string): void {
    this.openCache.forgetStation(stationId);
  }

  /**
   * The open session with this id at this station: from the cache, else from PostgreSQL (then cached).
   * No query per frame once a session is known.
   */
  async open(station: StationIdentity, transactionId: string): Promise<OpenSession | null> {
    const cached = this.cachedOpen(station.id, transactionId);
    if (cached) return cached;
    const found = await this.findOpen(station, transactionId);
    if (found) this.rememberOpen(station.id, found);
    return found;
  }

  async openSessions(stationId: string): Promise<OpenSession[]> {
    const rows = await this.sql().execute<OpenRow[]>(
      `select ${openColumns} from charging_session where station_id = ? and state = 'Active'`,
      [stationId],
    );
    return rows.map(openSession);
  }

  /** Live energy and power of an open session: announced now, written to PostgreSQL on the next flush. */
  async updateLive(
    station: StationIdentity,
    session: OpenSession,
    energyWh: number | null,
    powerW: number | null,
    at: Date,
  ): Promise<void> {
    const previous = this.live.get(session.sessionId);
    const next = { energyWh: energyWh ?? previous?.energyWh ?? null, powerW: powerW ?? previous?.powerW ?? null, at: at.getTime() };
    this.live.set(session.sessionId, next);
    await this.deps.events.publish('session.updated', {
      stationId: station.id,
      identity: station.identity,
      sessionId: session.sessionId,
      transactionId: session.transactionId,
      connectorId: session.connectorId,
      energyWh: next.energyWh,
      powerW: next.powerW,
      at: at.toISOString(),
    });
  }

  /** Writes the live figures noted since the last flush, in chunks, after any flush still running. */
  flushLive(): Promise<number> {
    return this.live.flush();
  }
}

const finiteOrNull = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);
