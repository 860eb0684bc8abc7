import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { orgA, orgB, principals, shifted } from '../test/principals.js';
import { createSql } from '../database/sql.js';
import { type StationFacts, seesStation, stationScope } from './visibility.js';
import { numbered } from '../database/conditions.js';

const stations: Record<string, StationFacts> = {
  "A's accepted": { organisationId: orgA, registrationStatus: 'Accepted', retiredAt: null },
  "A's pending": { organisationId: orgA, registrationStatus: 'Pending', retiredAt: null },
  "B's retired": { organisationId: orgB, registrationStatus: 'Accepted', retiredAt: new Date('2026-01-01T00:00:00Z') },
  "nobody's accepted": { organisationId: null, registrationStatus: 'Accepted', retiredAt: null },
};

describe('who may see a station', () => {
  const sql = createSql(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 1);
  afterAll(() => sql.end());

  it('gives admins all, operators and partners their organisation, drivers accepted active stations', () => {
    const seen = (who: string) =>
      Object.keys(stations).filter((name) => seesStation(principals[who] as Principal, stations[name] as StationFacts));
    expect(seen('admin')).toEqual(Object.keys(stations));
    expect(seen('operator of A')).toEqual(["A's accepted", "A's pending"]);
    expect(seen('operator of none')).toEqual([]);
    expect(seen('partner of B')).toEqual(["B's retired"]);
    expect(seen('driver')).toEqual(["A's accepted", "nobody's accepted"]);
  });

  it('says the same in SQL (the lists) as in code (the live events), for every principal', async () => {
    const names = Object.keys(stations);
    const values = names.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}::uuid, $${4 * i + 3}, $${4 * i + 4}::timestamptz)`).join(', ');
    const rows = names.flatMap((name) => {
      const s = stations[name] as StationFacts;
      return [name, s.organisationId, s.registrationStatus, s.retiredAt ?? null];
    });
    for (const [who, principal] of Object.entries(principals)) {
      const scope = stationScope(principal);
      // The scope's own placeholders come after the rows'.
      const condition = shifted(numbered(scope.sql), rows.length);
      const { rows: found } = await sql.query<{ name: string }>(
        `select s.name from (values ${values}) as s(name, organisation_id, registration_status, retired_at) where ${condition} `,
        [...rows, ...scope.params],
      );
      const inCode = names.filter((name) => seesStation(principal, stations[name] as StationFacts)).sort();
      expect({ who, names: found.map((r) => r.name).sort() }).toEqual({ who, names: inCode });
    }
  });
});
