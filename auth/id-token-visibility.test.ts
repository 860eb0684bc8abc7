import { describe, expect, it } from 'vitest';
import { orgA, orgB, principals } from '../test/principals.js';
import { authDecisionListWhere, idTokenScope, seesIdToken } from './id-token-visibility.js';
import type { Principal } from './principal.js';

const driver = principals.driver as Principal;

describe('who may see a credential', () => {
  it('gives admins all, staff their organisation, drivers their own, and staff of no organisation none', () => {
    const tokens = {
      "A's": { organisationId: orgA, ownerId: null },
      "B's, the driver's": { organisationId: orgB, ownerId: driver.id },
      "nobody's": { organisationId: null, ownerId: null },
    };
    const seen = (who: string) =>
      Object.entries(tokens)
        .filter(([, token]) => seesIdToken(idTokenScope(principals[who] as Principal), token))
        .map(([name]) => name);
    expect(seen('admin')).toEqual(Object.keys(tokens));
    expect(seen('operator of A')).toEqual(["A's"]);
    expect(seen('partner of B')).toEqual(["B's, the driver's"]);
    expect(seen('driver')).toEqual(["B's, the driver's"]);
    expect(idTokenScope(principals['operator of none'] as Principal)).toEqual({ kind: 'none' });
    expect(seen('operator of none')).toEqual([]);
  });

  it("limits the authorization decisions to the organisation's stations and credentials, and reads an idTag in either case", () => {
    expect(authDecisionListWhere({ kind: 'all' })).toMatchObject({ sql: 'true', params: [] });
    const where = authDecisionListWhere({ kind: 'organisation', organisationId: orgA }, ' 04a1b2 ');
    expect(where.params).toEqual([orgA, orgA, '04a1b2', '04A1B2']);
    expect(authDecisionListWhere({ kind: 'none' }).sql).toBe('false');
  });
});
