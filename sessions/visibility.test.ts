import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { numbered } from '../database/conditions.js';
import { createSql } from '../database/sql.js';
import { orgA, orgB, principals, shifted } from '../test/principals.js';
import { type SessionFacts, seesSession, sessionScope } from './visibility.js';

const driverId = (principals.driver as Principal).id;
const otherDriver = '00000000-0000-4000-8000-0000000000d2';

const sessions: Record<string, SessionFacts> = {
  "the driver's, at A": { ownerId: driverId, stationOrganisationId: orgA },
  "another driver's, at B": { ownerId: otherDriver, stationOrganisationId: orgB },
  'an unowned credential, at A': { ownerId: null, stationOrganisationId: orgA },
  "the driver's, at nobody's station": { ownerId: driverId, stationOrganisationId: null },
};

describe('who may see a session', () => {
  const sql = createSql(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 1);
  afterAll(() => sql.end());

  it("gives admins all, operators and partners those at their organisation's stations, drivers their own", () => {
    const seen = (who: string) =>
      Object.keys(sessions).filter((name) => seesSession(principals[who] as Principal, sessions[name] as SessionFacts));
    expect(seen('admin')).toEqual(Object.keys(sessions));
    expect(seen('operator of A')).toEqual(["the driver's, at A", 'an unowned credential, at A']);
    expect(seen('operator of none')).toEqual([]);
    expect(seen('partner of B')).toEqual(["another driver's, at B"]);
    expect(seen('driver')).toEqual(["the driver's, at A", "the driver's, at nobody's station"]);
  });

  it('says the same in SQL (the lists) as in code (the live events), for every principal', async () => {
    const names = Object.keys(sessions);
    // One row per session: t (its credential), s (its station), and id_token (the credential's owner).
    const values = names.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}::uuid, $${3 * i + 3}::uuid)`).join(', ');
    const rows = names.flatMap((name) => {
      const s = sessions[name] as SessionFacts;
      return [name, s.stationOrganisationId ?? null, s.ownerId ?? null];
    });
    for (const [who, principal] of Object.entries(principals)) {
      const scope = sessionScope(principal);
      const condition = shifted(numbered(scope.sql), rows.length);
      const { rows: found } = await sql.query<{ name: string }>(
        `with facts(name, organisation_id, owner_id) as (values ${values}),
              id_token(id, owner_id) as (select name, owner_id from facts)
         select t.name from (select name, name as id_token_id from facts) as t
           join (select name, organisation_id from facts) as s on s.name = t.name
         where ${condition}`,
        [...rows, ...scope.params],
      );
      const inCode = names.filter((name) => seesSession(principal, sessions[name] as SessionFacts)).sort();
      expect({ who, names: found.map((r) => r.name).sort() }).toEqual({ who, names: inCode });
    }
  });
});
