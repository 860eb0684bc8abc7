import { organisationScope, type Principal, seesOrganisation } from '../auth/principal.js';

/** What the rule needs to know about a session: who owns the credential it started with, and its station's organisation. */
export interface SessionFacts {
  ownerId: string | null | undefined;
  stationOrganisationId: string | null | undefined;
}

/**
 * Who may see a session: admins all; operators and partners those at their organisation's stations; drivers
 * those with credentials they own. The SQL lists (`sessionScope`) and the live events say the same.
 * A driver's decision needs only `ownerId`, anyone else's only `stationOrganisationId`.
 */
export function seesSession(principal: Principal, session: SessionFacts): boolean {
  if (principal.role === 'DRIVER') return session.ownerId !== null && session.ownerId !== undefined && session.ownerId === principal.id;
  return seesOrganisation(principal, session.stationOrganisationId);
}

/**
 * The sessions a principal may see (t: charging_session, s: its station): all for admins, those at
 * the organisation's stations for operators and partners, those with credentials they own for drivers.
 */
export function sessionScope(principal: Principal): { sql: string; params: unknown[] } {
  if (principal.role === 'DRIVER')
    return { sql: 't.id_token_id in (select k.id from id_token k where k.owner_id = ?)', params: [principal.id] };
  const organisation = organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 's.organisation_id = ?', params: [organisation] };
}
