import type { Principal } from '../auth/principal.js';

/** Two organisations, for the visibility rules' tables. */
export const orgA = '00000000-0000-4000-8000-00000000000a';
export const orgB = '00000000-0000-4000-8000-00000000000b';

/** One principal of each kind, named by who they are. */
export const principals: Record<string, Principal> = {
  admin: { kind: 'user', id: '00000000-0000-4000-8000-0000000000a1', role: 'ADMIN', organisationId: null, tokenId: 't' },
  'operator of A': { kind: 'user', id: '00000000-0000-4000-8000-0000000000a2', role: 'OPERATOR', organisationId: orgA, tokenId: 't' },
  'operator of none': { kind: 'user', id: '00000000-0000-4000-8000-0000000000a3', role: 'OPERATOR', organisationId: null, tokenId: 't' },
  'partner of B': {
    kind: 'apiKey',
    id: '00000000-0000-4000-8000-0000000000b1',
    role: 'PARTNER',
    organisationId: orgB,
    scopes: ['stations:read'],
  },
  driver: { kind: 'user', id: '00000000-0000-4000-8000-0000000000d1', role: 'DRIVER', organisationId: null, tokenId: 't' },
};

/** Shifts a condition's `$n` placeholders by `offset`, to follow other parameters. */
export const shifted = (sql: string, offset: number) => sql.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + offset}`);
