import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const create =
  'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name prefix scopes organisationId revokedAt } } }';
const list = '{ apiKeys { id name prefix scopes lastUsedAt revokedAt createdAt } }';

type Created = { createApiKey: { key: string; apiKey: { id: string; prefix: string; scopes: string[]; organisationId: string } } };

describe('API keys in the API', () => {
  let system: TestSystem;
  let admin: string;
  let operatorA: string;
  let operatorB: string;
  let orgA: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    orgA = (await anOrganisation(system, 'Alpha Keys')).organisationId;
    const orgB = (await anOrganisation(system, 'Beta Keys')).organisationId;
    admin = (await aUser(system, 'ADMIN')).token;
    operatorA = (await aUser(system, 'OPERATOR', orgA)).token;
    operatorB = (await aUser(system, 'OPERATOR', orgB)).token;
  });
  afterAll(() => system?.close());

  it('shows a new key once, then only its prefix; the key works as a bearer until revoked, then 401', async () => {
    const created = await gql<Created>(system, create, { input: { name: 'fleet app', scopes: ['stations:read'] } }, operatorA);
    const { key, apiKey } = (created.data as Created).createApiKey;
    expect(key).toMatch(/^evk_[0-9a-f]{12}_[A-Za-z0-9]{32}$/);
    expect(key.startsWith(`evk_${apiKey.prefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({ scopes: ['stations:read'], organisationId: orgA });

    const listed = await gql(system, list, {}, operatorA);
    expect(listed.data?.apiKeys).toEqual([expect.objectContaining({ id: apiKey.id, prefix: apiKey.prefix, revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(-32));

    const used = await gql(system, '{ stations { totalCount } }', {}, key);
    expect(used.errors).toBeUndefined();
    expect((await gql(system, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: apiKey.id }, operatorA)).data).toEqual({
      revokeApiKey: true,
    });
    const refused = await gql(system, '{ stations { totalCount } }', {}, key);
    expect([refused.status, errorCode(refused)]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it("keeps an operator to its own organisation's keys", async () => {
    const created = await gql<Created>(system, create, { input: { name: 'reports', scopes: ['sessions:read'] } }, operatorA);
    const id = created.data?.createApiKey.apiKey.id;
    expect(errorCode(await gql(system, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id }, operatorB))).toBe('NOT_FOUND');
    expect((await gql(system, list, {}, operatorB)).data).toEqual({ apiKeys: [] });
    const elsewhere = await gql(system, create, { input: { name: 'x', scopes: ['stations:read'], organisationId: orgA } }, operatorB);
    expect(errorCode(elsewhere)).toBe('NOT_FOUND');
  });

  it('has an admin name the organisation, and refuses unknown scopes', async () => {
    const without = await gql(system, create, { input: { name: 'x', scopes: ['stations:read'] } }, admin);
    expect(without.errors?.[0]?.message).toBe('organisationId: required for administrators');
    const made = await gql<Created>(system, create, { input: { name: 'partner', scopes: ['stations:read'], organisationId: orgA } }, admin);
    expect(made.data?.createApiKey.apiKey.organisationId).toBe(orgA);
    const unknown = await gql(system, create, { input: { name: 'x', scopes: ['everything'], organisationId: orgA } }, admin);
    expect([errorCode(unknown), unknown.errors?.[0]?.message]).toEqual([
      'BAD_USER_INPUT',
      expect.stringMatching(/^scopes: unknown everything/),
    ]);
  });

  it('lets no API key manage keys or read accounts', async () => {
    const created = await gql<Created>(system, create, { input: { name: 'nosy', scopes: ['drivers:read'] } }, operatorA);
    const key = created.data?.createApiKey.key as string;
    expect(errorCode(await gql(system, list, {}, key))).toBe('FORBIDDEN');
    expect(errorCode(await gql(system, '{ me { id } }', {}, key))).toBe('FORBIDDEN');
  });
});
