import { organisationScope, type Principal } from '../auth/principal.js';

/**
 * The tariffs a principal may read (tf: tariff): staff and partners their organisation's (admins all);
 * drivers every tariff, as prices are public (OCPI publishes them to any roaming partner).
 */
export function tariffScope(principal: Principal): { sql: string; params: unknown[] } {
  const organisation = principal.role === 'DRIVER' ? undefined : organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 'tf.organisation_id = ?', params: [organisation] };
}

/** Whether a principal may change an organisation's tariffs: admins any, operators and partners (billing:write) their own. */
export function editsTariffsOf(principal: Principal, organisationId: string): boolean {
  if (principal.role === 'ADMIN') return true;
  if (principal.role === 'DRIVER') return false;
  return principal.organisationId === organisationId;
}

/** The invoices a principal may read (i: invoice): drivers those they pay, staff and partners their organisation's. */
export function invoiceScope(principal: Principal): { sql: string; params: unknown[] } {
  if (principal.role === 'DRIVER') return { sql: 'i.payer_user_id = ?', params: [principal.id] };
  const organisation = organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 'i.organisation_id = ?', params: [organisation] };
}

/** The payments a principal may read (pa: payment_attempt): drivers those they make, staff and partners their organisation's. */
export function paymentScope(principal: Principal): { sql: string; params: unknown[] } {
  if (principal.role === 'DRIVER') return { sql: 'pa.payer_user_id = ?', params: [principal.id] };
  const organisation = organisationScope(principal);
  if (organisation === undefined) return { sql: 'true', params: [] };
  return { sql: 'pa.organisation_id = ?', params: [organisation] };
}
