/** The scopes a partner's API key can hold. */
export const apiScopes = [
  'stations:read',
  'stations:write',
  'sessions:read',
  'commands:write',
  'idtokens:read',
  'idtokens:write',
  'drivers:read',
  'audit:read',
  'billing:read',
  'billing:write',
] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Who is asking: a person (by role) or a partner's API key (by scopes), and for which organisation. */
export type Principal =
  | { kind: 'user'; id: string; role: 'ADMIN' | 'OPERATOR' | 'DRIVER'; organisationId: string | null; tokenId: string }
  | { kind: 'apiKey'; id: string; role: 'PARTNER'; organisationId: string; scopes: ApiScope[] };

/** May this principal see objects of that organisation? Admins see all; others only their own. */
export function seesOrganisation(principal: Principal, organisationId: string | null | undefined): boolean {
  if (principal.role === 'ADMIN') return true;
  if (principal.role === 'DRIVER') return false;
  return organisationId !== null && organisationId !== undefined && organisationId === principal.organisationId;
}

/** The organisation a query is limited to: undefined for admins (all), the principal's own otherwise. */
export function organisationScope(principal: Principal): string | null | undefined {
  return principal.role === 'ADMIN' ? undefined : principal.organisationId;
}

export const hasScope = (principal: Principal, scope: ApiScope) => principal.kind !== 'apiKey' || principal.scopes.includes(scope);
