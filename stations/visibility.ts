import type { EntityManager } from '@mikro-orm/postgresql';
import { organisationScope, type Principal, seesOrganisation } from '../auth/principal.js';
import { Station } from '../schema/entities/index.js';

/** What the rule needs to know about a station. */
export interface StationFacts {
  organisationId: string | null;
  registrationStatus: string;
  retiredAt: Date | null | undefined;
}

/**
 * Who may see a station: admins all; operators and partners their organisation's; drivers the accepted,
 * active stations they may use. The SQL lists (`stationScope`) and the live events say the same.
 */
export function seesStation(principal: Principal, station: StationFacts): boolean {
  if (principal.role === 'DRIVER') return station.registrationStatus === 'Accepted' && !station.retiredAt;
  return seesOrganisation(principal, station.organisationId);
}

/** `seesStation` as a condition on `station s`, with `?` placeholders. */
export function stationScope(principal: Principal): { sql: string; params: unknown[] } {
  const organisation = organisationScope(principal);
  if (principal.role === 'DRIVER') return { sql: `s.registration_status = 'Accepted' and s.retired_at is null`, params: [] };
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 's.organisation_id = ?', params: [organisation] };
}

/** One station by id or identity, if the principal may see it (another organisation's is as if absent). */
export async function findVisibleStation(
  em: EntityManager,
  principal: Principal,
  where: { id?: string; identity?: string },
): Promise<Station | undefined> {
  const station = await em.findOne(Station, where.id ? { id: where.id } : { identity: where.identity as string });
  if (!station) return undefined;
  const facts = {
    organisationId: station.organisation?.id ?? null,
    registrationStatus: station.registrationStatus,
    retiredAt: station.retiredAt,
  };
  return seesStation(principal, facts) ? station : undefined;
}
