import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import { parseTimestamp } from '../telemetry/normalise.js';

/**
 * Sessions whose stop never came (lost while the station was offline, a reboot, a bug in its firmware),
 * closed by evcms with the reason and the last reading it had: the energy is the live figure, the end the
 * last meter value (or the start). Each is flagged `stop-lost`, so billing holds it for review, and a stop
 * the station sends later still replaces the guess, once (sessions/service.ts `stoppable`).
 */
export type LostStop =
  /** Nothing heard of it for `hours` (the maintenance sweep). */
  | { kind: 'silent'; hours: number }
  /** The station says its connector is Available, so no transaction runs there since `since`. */
  | { kind: 'connector-free'; stationId: string; connectorId: number; since: Date }
  /** An operator closes it by hand. */
  | { kind: 'operator'; sessionId: string; actor: string; note: string };

export interface ClosedSession {
  sessionId: string;
  transactionId: string;
  stationId: string;
  identity: string;
  connectorId: number;
  energyWh: number | null;
  reason: string;
  stoppedAt: Date;
}

function condition(lost: LostStop): { where: string; params: unknown[]; reason: string } {
  switch (lost.kind) {
    case 'silent':
      return {
        where: 'coalesce(t.last_meter_at, t.started_at) < now() - make_interval(hours => ?)',
        params: [lost.hours],
        reason: `Reconciled: no word of it for ${lost.hours} h`,
      };
    case 'connector-free':
      return {
        where: 't.station_id = ? and t.connector_id = ? and t.started_at < ?',
        params: [lost.stationId, lost.connectorId, lost.since.toISOString()],
        reason: 'Reconciled: the connector is Available without a stop',
      };
    case 'operator':
      return {
        where: 't.id = ?',
        params: [lost.sessionId],
        reason: `Closed by ${lost.actor}: ${lost.note}`.slice(0, 255),
      };
  }
}

interface ClosedRow {
  id: string;
  transaction_id: string;
  station_id: string;
  identity: string;
  connector_id: number;
  energy_wh: string | null;
  stopped_at: Date;
}

/** Closes the open sessions the rule names; each closed one is announced as ended, with the reason. */
export async function closeLostStops(deps: { orm: Orm; events: EventBus }, lost: LostStop): Promise<ClosedSession[]> {
  const { where, params, reason } = condition(lost);
  const rows = await deps.orm.em
    .fork()
    .getConnection()
    .execute<ClosedRow[]>(
      `update charging_session t set state = 'Completed', stop_reason = ?, stop_received_at = now(),
         stopped_at = greatest(coalesce(t.last_meter_at, t.started_at), t.started_at), energy_wh = t.live_energy_wh,
         flags = case when t.flags @> '["stop-lost"]'::jsonb then t.flags else t.flags || '["stop-lost"]'::jsonb end,
         updated_at = now()
       from station s
       where s.id = t.station_id and t.state = 'Active' and ${where}
       returning t.id, t.transaction_id, t.station_id, s.identity, t.connector_id, t.energy_wh, t.stopped_at`,
      [reason, ...params],
    );
  const closed = rows.map((r) => ({
    sessionId: r.id,
    transactionId: r.transaction_id,
    stationId: r.station_id,
    identity: r.identity,
    connectorId: r.connector_id,
    energyWh: r.energy_wh === null ? null : Number(r.energy_wh),
    reason,
    stoppedAt: new Date(r.stopped_at),
  }));
  for (const session of closed)
    void deps.events.publish('session.ended', {
      stationId: session.stationId,
      identity: session.identity,
      sessionId: session.sessionId,
      transactionId: session.transactionId,
      connectorId: session.connectorId,
      energyWh: session.energyWh,
      reason,
      at: session.stoppedAt.toISOString(),
    });
  return closed;
}

/**
 * A StatusNotification saying a connector is Available ends, by rule, any session still open there that
 * started before the status was stamped: the station would not be Available with a transaction running.
 */
export async function closeOnConnectorFree(
  deps: { orm: Orm; events: EventBus },
  stationId: string,
  status: { connectorId: number; status: string; timestamp?: string },
  receivedAt: Date,
): Promise<ClosedSession[]> {
  if (status.connectorId < 1 || status.status !== 'Available') return [];
  const since = parseTimestamp(status.timestamp) ?? receivedAt;
  return closeLostStops(deps, { kind: 'connector-free', stationId, connectorId: status.connectorId, since });
}
