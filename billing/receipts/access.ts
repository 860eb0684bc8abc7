import { hasScope, type Principal } from '../../auth/principal.js';

/**
 * Who may download a receipt, as who may read the invoice (billing/visibility.ts invoiceScope): the driver who
 * pays it, the issuing organisation's staff and its partners whose key holds billing:read, and admins.
 */
export function mayReadReceipt(principal: Principal, invoice: { organisationId: string; payerUserId: string | null }): boolean {
  if (principal.role === 'ADMIN') return true;
  if (principal.role === 'DRIVER') return invoice.payerUserId === principal.id;
  if (!hasScope(principal, 'billing:read')) return false;
  return principal.organisationId === invoice.organisationId;
}
