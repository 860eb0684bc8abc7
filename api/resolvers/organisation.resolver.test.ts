import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, anOrganisation, errorCode, gql } from '../../test/api.js';
import { twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('organisations in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Org Alpha', 'Org Beta']);
    ({ orgA, orgB } = world);
    Object.assign(tokens, world.tokens);
    tokens.partnerA = await aPartnerKey(system, orgA.organisationId, ['stations:read']);
  });
  afterAll(() => system?.close());

  const list = '{ organisations { totalCount nodes { id name slug registrationPolicy } } }';
  const names = async (who: string) =>
    (await gql<{ organisations: { nodes: { name: string }[] } }>(system, list, {}, tokens[who])).data?.organisations.nodes.map(
      (n) => n.name,
    );

  it('lists every organisation to an admin, and only their own to everyone else', async () => {
    expect(await names('admin')).toEqual(['Org Alpha', 'Org Beta']);
    expect(await names('operatorA')).toEqual(['Org Alpha']);
    expect(await names('operatorB')).toEqual(['Org Beta']);
    expect(await names('partnerA')).toEqual(['Org Alpha']);
    expect(await names('driver')).toEqual([]);
  });

  it("reads another organisation as not found, and one's own as itself", async () => {
    const one = 'query($id: ID!) { organisation(id: $id) { name } }';
    expect(errorCode(await gql(system, one, { id: orgB.organisationId }, tokens.operatorA))).toBe('NOT_FOUND');
    expect((await gql(system, one, { id: orgA.organisationId }, tokens.operatorA)).data).toEqual({ organisation: { name: 'Org Alpha' } });
    expect((await gql(system, one, { id: orgA.organisationId }, tokens.admin)).data).toEqual({ organisation: { name: 'Org Alpha' } });
  });

  const create = 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { name slug registrationPolicy } }';

  it('lets an admin create an organisation, with a slug from its name', async () => {
    const result = await gql(system, create, { input: { name: 'Gamma Énergie', registrationPolicy: 'pending' } }, tokens.admin);
    expect(result.data).toEqual({ createOrganisation: { name: 'Gamma Énergie', slug: 'gamma-energie', registrationPolicy: 'pending' } });
  });

  it('refuses a slug that is taken, or malformed', async () => {
    await gql(system, create, { input: { name: 'Delta', slug: 'delta' } }, tokens.admin);
    expect(errorCode(await gql(system, create, { input: { name: 'Delta 2', slug: 'delta' } }, tokens.admin))).toBe('CONFLICT');
    expect(errorCode(await gql(system, create, { input: { name: 'Delta 3', slug: 'Not A Slug' } }, tokens.admin))).toBe('BAD_USER_INPUT');
  });

  it('lets nobody but an admin create one', async () => {
    for (const who of ['operatorA', 'driver', 'partnerA']) {
      expect(errorCode(await gql(system, create, { input: { name: `By ${who}` } }, tokens[who])), who).toBe('FORBIDDEN');
    }
    expect(errorCode(await gql(system, create, { input: { name: 'Anonymous' } }))).toBe('UNAUTHENTICATED');
  });
});
