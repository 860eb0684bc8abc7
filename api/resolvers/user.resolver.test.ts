import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTransport } from '../../auth/mail-transport.js';
import { aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const createUser = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id email role organisationId emailVerified } }';
const users = `query($filter: UserFilter, $first: Int, $after: String) {
  users(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { email role organisationId } }
}`;

type UsersPage = { users: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { email: string }[] } };

describe('staff managing accounts', () => {
  let system: TestSystem;
  let admin: string;
  let operatorA: string;
  let orgA: string;
  let orgB: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    orgA = (await anOrganisation(system, 'Alpha Accounts')).organisationId;
    orgB = (await anOrganisation(system, 'Beta Accounts')).organisationId;
    admin = (await aUser(system, 'ADMIN')).token;
    operatorA = (await aUser(system, 'OPERATOR', orgA)).token;
    await aUser(system, 'OPERATOR', orgB);
  });
  afterAll(() => system?.close());

  it('lets an admin create an operator of any organisation, with a password', async () => {
    const input = { email: 'Ops.Lead@alpha.example', password: 'Alpha-ops-lead-2026', role: 'OPERATOR', organisationId: orgB };
    const result = await gql(system, createUser, { input }, admin);
    expect(result.data?.createUser).toMatchObject({ email: 'ops.lead@alpha.example', role: 'OPERATOR', organisationId: orgB });
    const signedIn = await gql(
      system,
      'mutation { login(email: "ops.lead@alpha.example", password: "Alpha-ops-lead-2026") { expiresIn } }',
    );
    expect(signedIn.data).toEqual({ login: { expiresIn: 900 } });
  });

  it('has an operator create drivers in its own organisation, invited to choose a password', async () => {
    const result = await gql(system, createUser, { input: { email: 'fleet.driver@alpha.example', role: 'DRIVER' } }, operatorA);
    expect(result.data?.createUser).toMatchObject({ role: 'DRIVER', organisationId: orgA, emailVerified: false });
    await system.deps.mail.sendPending();
    const invite = (system.deps.mail.transport as LogTransport).sent.find((m) => m.to === 'fleet.driver@alpha.example');
    expect(invite?.subject).toBe('Your charging account is ready');
    const token = /token=([A-Za-z0-9_-]{43})/.exec(invite?.text ?? '')?.[1];
    const reset = 'mutation($token: String!) { resetPassword(token: $token, password: "Fleet-driver-chosen-1") }';
    expect((await gql(system, reset, { token })).data).toEqual({ resetPassword: true });
    const signedIn = await gql<{ login: { token: string } }>(
      system,
      'mutation { login(email: "fleet.driver@alpha.example", password: "Fleet-driver-chosen-1") { token } }',
    );
    const profile = await gql(system, '{ me { emailVerified organisationId } }', {}, signedIn.data?.login.token);
    expect(profile.data?.me).toEqual({ emailVerified: true, organisationId: orgA });
  });

  it('keeps operators within their organisation and below admin', async () => {
    const asAdmin = await gql(system, createUser, { input: { email: 'boss@alpha.example', role: 'ADMIN' } }, operatorA);
    expect(errorCode(asAdmin)).toBe('FORBIDDEN');
    const elsewhere = await gql(
      system,
      createUser,
      { input: { email: 'spy@alpha.example', role: 'DRIVER', organisationId: orgB } },
      operatorA,
    );
    expect(errorCode(elsewhere)).toBe('NOT_FOUND');
    const driver = (await aUser(system, 'DRIVER')).token;
    expect(errorCode(await gql(system, createUser, { input: { email: 'x@alpha.example', role: 'DRIVER' } }, driver))).toBe('FORBIDDEN');
  });

  it('refuses a second account for an address, an operator without organisation, and a weak password', async () => {
    const again = await gql(system, createUser, { input: { email: 'OPS.LEAD@alpha.example', role: 'DRIVER' } }, admin);
    expect([errorCode(again), again.errors?.[0]?.message]).toEqual(['CONFLICT', 'email: already registered']);
    const orphan = await gql(system, createUser, { input: { email: 'orphan@alpha.example', role: 'OPERATOR' } }, admin);
    expect(orphan.errors?.[0]?.message).toBe('organisationId: required for an operator');
    const weak = await gql(system, createUser, { input: { email: 'weak@alpha.example', role: 'DRIVER', password: 'qwerty123456' } }, admin);
    expect(weak.errors?.[0]?.message).toMatch(/^password: too common/);
  });

  it("lists an operator's organisation only, and everyone for an admin, a page at a time", async () => {
    const mine = await gql<UsersPage>(system, users, {}, operatorA);
    expect(mine.data?.users.nodes.map((n) => n.email).sort()).toEqual(['fleet.driver@alpha.example', expect.stringMatching(/^operator-/)]);
    const other = await gql<UsersPage>(system, users, { filter: { organisationId: orgB } }, operatorA);
    expect(other.data?.users.totalCount).toBe(0);
    const all = await gql<UsersPage>(system, users, { first: 2 }, admin);
    expect(all.data?.users.totalCount).toBe(6);
    expect(all.data?.users.pageInfo.hasNextPage).toBe(true);
    const found = await gql<UsersPage>(system, users, { filter: { search: 'OPS.LEAD', role: 'OPERATOR' } }, admin);
    expect(found.data?.users.nodes.map((n) => n.email)).toEqual(['ops.lead@alpha.example']);
  });
});
