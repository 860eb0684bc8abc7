import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, anOrganisation, errorCode, gql } from '../../test/api.js';
import { twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('sites in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Site Alpha', 'Site Beta']);
    ({ orgA, orgB } = world);
    Object.assign(tokens, world.tokens);
    tokens.partnerA = await aPartnerKey(system, orgA.organisationId, ['stations:read']);
    tokens.partnerNoScope = await aPartnerKey(system, orgA.organisationId, ['sessions:read']);
    for (const i of [1, 2, 3]) await system.deps.stations.create({ identity: `SITE-A-${i}`, siteId: orgA.siteId });
    await system.deps.stations.create({ identity: 'SITE-A-PENDING', siteId: orgA.siteId, registrationStatus: 'Pending' });
  });
  afterAll(() => system?.close());

  const list = 'query($filter: SiteFilter) { sites(filter: $filter) { totalCount nodes { id name organisation { name } } } }';
  const siteNames = async (who: string, filter?: Record<string, unknown>) =>
    (await gql<{ sites: { nodes: { name: string }[] } }>(system, list, { filter }, tokens[who])).data?.sites.nodes.map((n) => n.name);

  it("shows staff and partners their organisation's sites, admins all, drivers those with stations they may use", async () => {
    expect(await siteNames('operatorA')).toEqual(['Site Alpha site']);
    expect(await siteNames('operatorB')).toEqual(['Site Beta site']);
    expect(await siteNames('partnerA')).toEqual(['Site Alpha site']);
    expect(await siteNames('admin')).toEqual(['Site Alpha site', 'Site Beta site']);
    expect(await siteNames('driver')).toEqual(['Site Alpha site']);
    expect(errorCode(await gql(system, list, {}, tokens.partnerNoScope))).toBe('FORBIDDEN');
  });

  it('filters by organisation and searches names, addresses and cities', async () => {
    expect(await siteNames('admin', { organisationId: orgB.organisationId })).toEqual(['Site Beta site']);
    expect(await siteNames('admin', { search: 'alpha' })).toEqual(['Site Alpha site']);
    expect(await siteNames('admin', { search: 'nowhere' })).toEqual([]);
  });

  it("reads another organisation's site as not found", async () => {
    const one = 'query($id: ID!) { site(id: $id) { name } }';
    expect(errorCode(await gql(system, one, { id: orgA.siteId }, tokens.operatorB))).toBe('NOT_FOUND');
    expect((await gql(system, one, { id: orgA.siteId }, tokens.operatorA)).data).toEqual({ site: { name: 'Site Alpha site' } });
  });

  it('pages through the stations of a site; drivers do not see pending ones', async () => {
    const query = `query($id: ID!, $after: String) { site(id: $id) { stations(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { identity } } } }`;
    type Page = {
      site: { stations: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { identity: string }[] } };
    };
    const first = await gql<Page>(system, query, { id: orgA.siteId }, tokens.operatorA);
    expect(first.data?.site.stations.nodes.map((n) => n.identity)).toEqual(['SITE-A-1', 'SITE-A-2']);
    expect(first.data?.site.stations.totalCount).toBe(4);
    const second = await gql<Page>(
      system,
      query,
      { id: orgA.siteId, after: first.data?.site.stations.pageInfo.endCursor },
      tokens.operatorA,
    );
    expect(second.data?.site.stations.nodes.map((n) => n.identity)).toEqual(['SITE-A-3', 'SITE-A-PENDING']);
    expect(second.data?.site.stations.pageInfo.hasNextPage).toBe(false);
    const driver = await gql<Page>(system, query, { id: orgA.siteId }, tokens.driver);
    expect(driver.data?.site.stations.totalCount).toBe(3);
  });

  const create =
    'mutation($input: CreateSiteInput!) { createSite(input: $input) { name country latitude longitude timeZone organisation { name } } }';

  it('lets an operator create a site in their organisation, and an admin in any organisation it names', async () => {
    const input = { name: 'Depot', country: 'RW', latitude: -1.95, longitude: 30.06, timeZone: 'Africa/Kigali', gridLimitKw: 250 };
    const byOperator = await gql(system, create, { input }, tokens.operatorA);
    expect(byOperator.data).toEqual({
      createSite: {
        name: 'Depot',
        country: 'RW',
        latitude: -1.95,
        longitude: 30.06,
        timeZone: 'Africa/Kigali',
        organisation: { name: 'Site Alpha' },
      },
    });
    const byAdmin = await gql(system, create, { input: { name: 'Hub', organisationId: orgB.organisationId } }, tokens.admin);
    expect(byAdmin.data).toMatchObject({ createSite: { name: 'Hub', timeZone: 'UTC', organisation: { name: 'Site Beta' } } });
    expect(errorCode(await gql(system, create, { input: { name: 'Nowhere' } }, tokens.admin))).toBe('BAD_USER_INPUT');
  });

  it("refuses an operator another organisation's sites, and drivers and partners any", async () => {
    expect(errorCode(await gql(system, create, { input: { name: 'X', organisationId: orgB.organisationId } }, tokens.operatorA))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await gql(system, create, { input: { name: 'X' } }, tokens.driver))).toBe('FORBIDDEN');
    expect(errorCode(await gql(system, create, { input: { name: 'X' } }, tokens.partnerA))).toBe('FORBIDDEN');
  });

  it.each([
    [{ latitude: 90.5 }, 'latitude'],
    [{ longitude: -181 }, 'longitude'],
    [{ country: 'XX' }, 'country'],
    [{ country: 'rw' }, 'country'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ gridLimitKw: 0 }, 'gridLimitKw'],
  ])('refuses %o, naming the field', async (fields, field) => {
    const result = await gql(system, create, { input: { name: 'Bad', ...fields } }, tokens.operatorA);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field });
  });

  const update = 'mutation($id: ID!, $input: UpdateSiteInput!) { updateSite(id: $id, input: $input) { name city gridLimitKw } }';

  it('updates the fields given, clears those set to null, and keeps the others', async () => {
    const result = await gql(system, update, { id: orgA.siteId, input: { name: 'Alpha Main', gridLimitKw: 100 } }, tokens.operatorA);
    expect(result.data).toEqual({ updateSite: { name: 'Alpha Main', city: 'Kigali', gridLimitKw: 100 } });
    const cleared = await gql(system, update, { id: orgA.siteId, input: { city: null } }, tokens.operatorA);
    expect(cleared.data).toEqual({ updateSite: { name: 'Alpha Main', city: null, gridLimitKw: 100 } });
    expect(errorCode(await gql(system, update, { id: orgA.siteId, input: { latitude: -91 } }, tokens.operatorA))).toBe('BAD_USER_INPUT');
  });

  it("does not let an operator change another organisation's site", async () => {
    expect(errorCode(await gql(system, update, { id: orgA.siteId, input: { name: 'Taken' } }, tokens.operatorB))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, update, { id: orgA.siteId, input: { name: 'Taken' } }, tokens.driver))).toBe('FORBIDDEN');
  });
});
