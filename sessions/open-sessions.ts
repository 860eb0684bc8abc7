/** What the gateway keeps about an open session, to read MeterValues without a database round trip. */
export interface OpenSession {
  sessionId: string;
  /** The protocol's key. */
  transactionId: string;
  connectorId: number;
  meterStartWh: number;
  idTag: string;
}

/** A stored reading (bigint text, or null when unknown) as a number; NaN when unknown, so energy checks flag it. */
export const readingWh = (stored: string | null): number => (stored === null ? Number.NaN : Number(stored));

/** A charging_session row as selected with `openColumns`. */
export interface OpenRow {
  id: string;
  transaction_id: string;
  connector_id: number;
  meter_start_wh: string | null;
  id_tag: string;
}
export const openColumns = 'id, transaction_id, connector_id, meter_start_wh, id_tag';
export const openSession = (row: OpenRow): OpenSession => ({
  sessionId: row.id,
  transactionId: row.transaction_id,
  connectorId: row.connector_id,
  meterStartWh: readingWh(row.meter_start_wh),
  idTag: row.id_tag,
});

/**
 * Open sessions by station id, then by the station's transactionId, so MeterValues need no database round
 * trip. Filled by starts and by the first MeterValues of a session this node did not start; emptied by stops
 * and when the station's last socket here closes (`forgetStation`).
 */
export class OpenSessionCache {
  private readonly byStation = new Map<string, Map<string, OpenSession>>();

  get(stationId: string, transactionId: string): OpenSession | undefined {
    return this.byStation.get(stationId)?.get(transactionId);
  }

  /** Keeps an open session; one still cached on its connector is dropped when `superseding`. */
  remember(stationId: string, session: OpenSession, superseding: boolean): void {
    let open = this.byStation.get(stationId);
    if (!open) {
      open = new Map();
      this.byStation.set(stationId, open);
    }
    if (superseding) for (const [id, other] of open) if (other.connectorId === session.connectorId) open.delete(id);
    open.set(session.transactionId, session);
  }

  /** Drops one session; returns what was cached. */
  forget(stationId: string, transactionId: string): OpenSession | undefined {
    const open = this.byStation.get(stationId);
    const session = open?.get(transactionId);
    open?.delete(transactionId);
    if (open?.size === 0) this.byStation.delete(stationId);
    return session;
  }

  forgetStation(stationId: string): void {
    this.byStation.delete(stationId);
  }
}
