import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationIdentityCaseClashCheck } from '../migrations/postgres/Migration20261202220000_station_identity_case.js';
import { anOrganisation, aUser, errorCode, gql } from '../test/api.js';
import { anIdentity, bootPayload, connectCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

describe('station identities are unique whatever their case', () => {
  let system: TestSystem;
  let admin: string;
  let siteId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    admin = (await aUser(system, 'ADMIN')).token;
    siteId = (await anOrganisation(system, 'Identity Case')).siteId;
  });
  afterAll(() => system?.close());

  const create = (identity: string) =>
    gql<{ createStation: { station: { identity: string } } }>(
      system,
      'mutation($input: CreateStationInput!) { createStation(input: $input) { station { identity } } }',
      { input: { identity, siteId } },
      admin,
    );

  it('refuses a station whose identity differs from an existing one only by case, with CONFLICT', async () => {
    const lower = anIdentity('newc').toLowerCase();
    expect((await create(lower)).data?.createStation.station.identity).toBe(lower);
    const clash = await create(lower.toUpperCase());
    expect(errorCode(clash)).toBe('CONFLICT');
    expect(clash.errors?.[0]?.message).toBe(`identity: a station "${lower}" exists already (identities are compared ignoring case)`);
    expect(errorCode(await create(lower))).toBe('CONFLICT');
  });

  it('lets PostgreSQL itself refuse a second spelling (two creations racing, or SQL by hand)', async () => {
    const identity = anIdentity('RACE');
    await system.deps.stations.create({ identity, siteId });
    await expect(
      system.deps.sql.query(
        `insert into station (id, identity, created_at, updated_at)
         values (gen_random_uuid(), $1, now(), now())`,
        [identity.toLowerCase()],
      ),
    ).rejects.toThrow(/station_lower_identity_unique/);
  });

  it('finds a station by lower(identity) on that index (the admission lookup is one index scan, as the exact one was)', async () => {
    const sql = await system.deps.sql.connect();
    try {
      await sql.query('set enable_seqscan = off');
      const plan = await sql.query<{ 'QUERY PLAN': string }>("explain select id from station where lower(identity) = lower('X')");
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using station_lower_identity_unique/);
    } finally {
      await sql.query('reset enable_seqscan');
      sql.release();
    }
  });

  it('admits a charger that spells its identity in another case as the station stored, under the stored identity', async () => {
    const identity = anIdentity('MixedCase');
    const created = await system.deps.stations.create({ identity, siteId });
    const charger = await connectCharger(system, { identity: identity.toUpperCase(), password: created.ocppPassword });
    const boot = await charger.call('BootNotification', bootPayload());
    expect(boot).toMatchObject({ status: 'Accepted' });
    await eventually(() => system.gateway?.connection(identity) !== undefined);
    await charger.close();
  });

  it('the migration names the clashing identities and stops, when a database has some already', async () => {
    const sql = await system.deps.sql.connect();
    try {
      await sql.query('begin');
      await sql.query('drop index station_lower_identity_unique');
      const identity = anIdentity('OLD');
      for (const spelling of [identity, identity.toLowerCase()]) {
        await sql.query(
          `insert into station (id, identity, created_at, updated_at)
           values (gen_random_uuid(), $1, now(), now())`,
          [spelling],
        );
      }
      await expect(sql.query(stationIdentityCaseClashCheck)).rejects.toThrow(
        `station identities that differ only by case: ${[identity, identity.toLowerCase()].sort().join(' / ')}`,
      );
    } finally {
      await sql.query('rollback');
      sql.release();
    }
  });
});
