import type { Principal } from '../auth/principal.js';
import type { Orm } from '../database/orm.js';
import { seesSession } from '../sessions/visibility.js';
import { type StationFacts, seesStation } from '../stations/visibility.js';

interface Cached<T> {
  value: Promise<T>;
  until: number;
}

/**
 * Who may see a live event, decided per event and per subscriber, so it must be cheap: the
 * station's organisation and a session's driver are looked up once and kept for a few seconds
 * (a station moved to another organisation is seen as moved within that time).
 */
export class LiveAccess {
  private readonly stations = new Map<string, Cached<StationFacts | null>>();
  private readonly owners = new Map<string, Cached<string | null>>();

  constructor(
    private readonly orm: Orm,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 50_000,
  ) {}

  private cached<K, T>(map: Map<K, Cached<T>>, key: K, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    if (map.size >= this.maxEntries) {
      for (const [k, v] of map) if (v.until <= now) map.delete(k);
      if (map.size >= this.maxEntries) map.clear();
    }
    const value = load();
    map.set(key, { value, until: now + this.ttlMs });
    value.catch(() => map.delete(key));
    return value;
  }

  private station(stationId: string): Promise<StationFacts | null> {
    return this.cached(this.stations, stationId, async () => {
      const rows = await this.orm.em
        .fork()
        .getConnection()
        .execute<{ organisation_id: string | null; registration_status: string; retired_at: Date | null }[]>(
          'select organisation_id, registration_status, retired_at from station where id = ?',
          [stationId],
        );
      const row = rows[0];
      return row ? { organisationId: row.organisation_id, registrationStatus: row.registration_status, retiredAt: row.retired_at } : null;
    });
  }

  /** The user who owns the credential a session started with, if any. */
  private sessionOwner(sessionId: string): Promise<string | null> {
    return this.cached(this.owners, sessionId, async () => {
      const rows = await this.orm.em
        .fork()
        .getConnection()
        .execute<{ owner_id: string | null }[]>(
          'select k.owner_id from charging_session t join id_token k on k.id = t.id_token_id where t.id = ?',
          [sessionId],
        );
      return rows[0]?.owner_id ?? null;
    });
  }

  /** Station events: as `seesStation` (stations/visibility.ts) says; admins without a lookup. */
  async seesStation(principal: Principal | null, stationId: string): Promise<boolean> {
    if (!principal) return false;
    if (principal.role === 'ADMIN') return true;
    const station = await this.station(stationId);
    return station !== null && seesStation(principal, station);
  }

  /** Session events: as `seesSession` (sessions/visibility.ts) says, looking up only what the principal's role needs. */
  async seesSession(principal: Principal | null, stationId: string, sessionId: string): Promise<boolean> {
    if (!principal) return false;
    if (principal.role === 'ADMIN') return true;
    if (principal.role === 'DRIVER')
      return seesSession(principal, { ownerId: await this.sessionOwner(sessionId), stationOrganisationId: undefined });
    const station = await this.station(stationId);
    return station !== null && seesSession(principal, { ownerId: undefined, stationOrganisationId: station.organisationId });
  }
}
