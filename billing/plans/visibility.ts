import { organisationScope, type Principal } from '../../auth/principal.js';

/** The plans a principal may read (pl: plan): drivers those open to subscribers, staff and partners their organisation's. */
export function planScope(principal: Principal): { sql: string; params: unknown[] } {
  if (principal.role === 'DRIVER') return { sql: 'pl.archived_at is null', params: [] };
  const organisation = organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 'pl.organisation_id = ?', params: [organisation] };
}

/** The subscriptions a principal may read (s: plan_subscription): drivers their own, staff and partners their organisation's. */
export function subscriptionScope(principal: Principal): { sql: string; params: unknown[] } {
  if (principal.role === 'DRIVER') return { sql: 's.user_id = ?', params: [principal.id] };
  const organisation = organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 's.organisation_id = ?', params: [organisation] };
}
