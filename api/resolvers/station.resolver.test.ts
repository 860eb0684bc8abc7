import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('stations in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  let operatorA: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    orgA = await anOrganisation(system, 'Alpha Charge');
    orgB = await anOrganisation(system, 'Beta Charge');
    operatorA = (await aUser(system, 'OPERATOR', orgA.organisationId)).token;
    for (const [i, org] of [orgA, orgA, orgA, orgB].entries()) {
      await system.deps.stations.create({ identity: `API-ST-${i}`, name: `Charger ${i}`, siteId: org.siteId });
    }
  });
  afterAll(() => system?.close());

  const list = `query($first: Int, $after: String, $filter: StationFilter) {
    stations(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } nodes { identity name status connectors { connectorId } } }
  }`;

  it('asks who is calling', async () => {
    const result = await gql(system, list);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it("shows an operator its organisation's stations only, a page at a time", async () => {
    const first = await gql<{
      stations: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { identity: string }[] };
    }>(system, list, { first: 2 }, operatorA);
    expect(first.data?.stations.totalCount).toBe(3);
    expect(first.data?.stations.nodes.map((n) => n.identity)).toEqual(['API-ST-0', 'API-ST-1']);
    expect(first.data?.stations.pageInfo.hasNextPage).toBe(true);
    const second = await gql<{ stations: { nodes: { identity: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      system,
      list,
      { first: 2, after: first.data?.stations.pageInfo.endCursor },
      operatorA,
    );
    expect(second.data?.stations.nodes.map((n) => n.identity)).toEqual(['API-ST-2']);
    expect(second.data?.stations.pageInfo.hasNextPage).toBe(false);
  });

  it('searches identity and name', async () => {
    const result = await gql<{ stations: { nodes: { identity: string }[] } }>(system, list, { filter: { search: 'charger 1' } }, operatorA);
    expect(result.data?.stations.nodes.map((n) => n.identity)).toEqual(['API-ST-1']);
  });

  it("reads another organisation's station as not found", async () => {
    const result = await gql(system, '{ station(identity: "API-ST-3") { identity } }', {}, operatorA);
    expect(errorCode(result)).toBe('NOT_FOUND');
  });

  it('refuses a page size over the cap', async () => {
    const result = await gql(system, list, { first: 1000 }, operatorA);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
  });

  it('lets a partner key with stations:read list its organisation, and refuses one without', async () => {
    const reader = await aPartnerKey(system, orgB.organisationId, ['stations:read']);
    const ok = await gql<{ stations: { totalCount: number } }>(system, list, {}, reader);
    expect(ok.data?.stations.totalCount).toBe(1);
    const other = await aPartnerKey(system, orgB.organisationId, ['sessions:read']);
    expect(errorCode(await gql(system, list, {}, other))).toBe('FORBIDDEN');
  });

  it('creates a station and returns its password once', async () => {
    const result = await gql<{ createStation: { station: { identity: string; securityProfile: number }; ocppPassword: string } }>(
      system,
      'mutation($input: CreateStationInput!) { createStation(input: $input) { station { identity securityProfile } ocppPassword } }',
      { input: { identity: 'API-NEW-1', siteId: orgA.siteId } },
      operatorA,
    );
    expect(result.data?.createStation.station).toEqual({ identity: 'API-NEW-1', securityProfile: 1 });
    expect(result.data?.createStation.ocppPassword).toMatch(/^[A-Za-z0-9]{20}$/);
  });

  it('explains a bad identity', async () => {
    const result = await gql(system, 'mutation { createStation(input: { identity: "bad:id" }) { ocppPassword } }', {}, operatorA);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/^identity: /);
  });

  it('answers a full page with connectors, and refuses a query costlier than the limit with a code that says so', async () => {
    const page = await gql(
      system,
      '{ stations(first: 100) { totalCount nodes { identity connectors { connectorId status } } } }',
      {},
      operatorA,
    );
    expect(page.errors).toBeUndefined();
    const aliases = Array.from(
      { length: 10 },
      (_, i) => `s${i}: stations(first: 100) { nodes { connectors { connectorId status } } }`,
    ).join(' ');
    const costly = await gql(system, `{ ${aliases} }`, {}, operatorA);
    expect(errorCode(costly)).toBe('QUERY_TOO_COMPLEX');
    expect(costly.errors?.[0]?.message).toMatch(/^query cost \d+ exceeds the limit of 20000$/);
  });
});
