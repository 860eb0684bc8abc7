import { type Sql, WriteBehind } from '../database/sql.js';
import type { EventBus } from '../events/bus.js';
import type { StationIdentity } from './service.js';

/** How far behind a talking station's last_seen_at in PostgreSQL may be, in seconds (plus the write-behind interval). */
export const PRESENCE_RESOLUTION_S = 30;

/**
 * Where stations are connected: online or not, on which gateway node, and when each last spoke (written
 * behind). The gateway marks its own stations; the workers mark those of a node that vanished.
 */
export class StationPresence {
  /**
   * Station id → when it last spoke (ms since epoch), until the next flush. A flush rewrites a row only when
   * it moves last_seen_at on by PRESENCE_RESOLUTION_S or more: a station that talks every few seconds costs
   * one row update per half minute, not one per flush (online/offline is written at once, see setOnline).
   */
  private readonly lastSeen = new WriteBehind<string, number>(
    (id, ms) => [id, ms],
    (arrays) =>
      this.deps.sql.query(
        `update station set last_seen_at = to_timestamp(v.ms / 1000.0)
         from unnest($1::uuid[], $2::float8[]) as v(id, ms)
         where station.id = v.id
           and (station.last_seen_at is null
             or station.last_seen_at <= to_timestamp(v.ms / 1000.0) - make_interval(secs => ${PRESENCE_RESOLUTION_S}))`,
        arrays,
      ),
  );

  constructor(private readonly deps: { sql: Sql; events: EventBus }) {}

  /**
   * Marks a station online on `gatewayNode`, or offline as `gatewayNode` lost it. Offline is written only
   * while `gatewayNode` still holds the station: when a station has reconnected to another gateway (another
   * process or machine) before its old socket closed, the old gateway's "offline" changes nothing and
   * announces nothing. Resolves to whether anything changed.
   */
  async setOnline(station: StationIdentity, online: boolean, gatewayNode: string): Promise<boolean> {
    const now = new Date();
    const result = online
      ? await this.deps.sql.query('update station set online = true, gateway_node = $2, last_seen_at = $3 where id = $1', [
          station.id,
          gatewayNode,
          now,
        ])
      : await this.deps.sql.query(
          `update station set online = false, gateway_node = null, last_seen_at = $3
           where id = $1 and gateway_node = $2`,
          [station.id, gatewayNode, now],
        );
    this.lastSeen.delete(station.id);
    if (result.rowCount === 0) return false;
    await this.deps.events.publish('station.online', { stationId: station.id, identity: station.identity, online, at: now.toISOString() });
    return true;
  }

  /** The gateway nodes that hold online stations, as the station table says. */
  async gatewayNodes(): Promise<string[]> {
    const { rows } = await this.deps.sql.query<{ node: string }>(
      'select distinct gateway_node as node from station where online and gateway_node is not null',
    );
    return rows.map((row) => row.node);
  }

  /**
   * Marks offline every station `gatewayNode` still holds, for a node that vanished without writing it (a
   * crash, a lost machine), each with its offline event. Resolves to their identities.
   */
  async dropNode(gatewayNode: string): Promise<string[]> {
    const at = new Date().toISOString();
    const { rows } = await this.deps.sql.query<{ id: string; identity: string }>(
      'update station set online = false, gateway_node = null where online and gateway_node = $1 returning id, identity',
      [gatewayNode],
    );
    await Promise.all(
      rows.map((row) => this.deps.events.publish('station.online', { stationId: row.id, identity: row.identity, online: false, at })),
    );
    return rows.map((row) => row.identity);
  }

  /** Notes that a station spoke; written behind, in one statement per flush. */
  touch(stationId: string, at: Date | number = Date.now()): void {
    this.lastSeen.set(stationId, typeof at === 'number' ? at : at.getTime());
  }

  /** Writes the presence noted since the last flush, in chunks, after any flush still running. */
  flush(): Promise<number> {
    return this.lastSeen.flush();
  }
}
