import { issueOneTimeToken, type TokenPurpose } from '../../auth/one-time-tokens.js';
import { User } from '../../schema/entities/index.js';
import { aFreshCaller, aPerson, everyone, type OperationRow, people, staff, unique } from '../permissions.js';
import type { MutationWorld } from './common.js';

/** Signing up and in, one's own account, and organisations, sites, staff and keys. */
export function accountRows({ w }: MutationWorld): Record<string, OperationRow> {
  const { deps } = w.system;
  const aMailedToken = async (purpose: TokenPurpose) => {
    const person = await aPerson(w.system, 'DRIVER', null, w.passwordHash);
    const em = deps.orm.em.fork();
    const token = issueOneTimeToken(em, em.getReference(User, person.id), purpose, 3_600_000);
    await em.flush();
    return token;
  };
  const aRefreshToken = async () => {
    const person = await aPerson(w.system, 'DRIVER', null, w.passwordHash);
    const em = deps.orm.em.fork();
    const tokens = await deps.accounts.sessions.issue(em, await em.findOneOrFail(User, { id: person.id }));
    await em.flush();
    return tokens.refreshToken;
  };

  return {
    // Signing up and in: anyone, signed in or not.
    register: {
      document: 'mutation($input: RegisterInput!) { register(input: $input) }',
      variables: () => ({ input: { email: `new-${unique()}@example.com`, password: 'Another-long-passphrase-7' } }),
      expect: everyone('ok'),
    },
    confirmEmail: {
      document: 'mutation($token: String!) { confirmEmail(token: $token) }',
      variables: async () => ({ token: await aMailedToken('confirm-email') }),
      expect: everyone('ok'),
    },
    login: {
      document: 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { expiresIn } }',
      variables: () => ({ email: w.people.driver.email, password: w.password }),
      expect: everyone('ok'),
    },
    refreshToken: {
      document: 'mutation($token: String!) { refreshToken(refreshToken: $token) { expiresIn } }',
      variables: async () => ({ token: await aRefreshToken() }),
      expect: everyone('ok'),
    },
    unlockAccount: {
      document: 'mutation($token: String!) { unlockAccount(token: $token) }',
      variables: async () => ({
        token: await deps.accounts.delays.issueUnlockToken((await aPerson(w.system, 'DRIVER', null, w.passwordHash)).id),
      }),
      expect: everyone('ok'),
    },
    requestPasswordReset: {
      document: 'mutation($email: String!) { requestPasswordReset(email: $email) }',
      variables: () => ({ email: w.people.driver.email }),
      expect: everyone('ok'),
    },
    resetPassword: {
      document: 'mutation($token: String!) { resetPassword(token: $token, password: "A-brand-new-passphrase-9") }',
      variables: async () => ({ token: await aMailedToken('reset-password') }),
      expect: everyone('ok'),
    },

    // One's own account: people only. Logging out and closing the account end the caller, so a fresh one acts.
    logout: { document: 'mutation { logout }', caller: (who) => aFreshCaller(w, who), expect: people('ok') },
    deleteAccount: {
      document: 'mutation($password: String!) { deleteAccount(password: $password) }',
      variables: () => ({ password: w.password }),
      caller: (who) => aFreshCaller(w, who),
      expect: people('ok'),
    },
    updateMe: { document: 'mutation { updateMe(input: { name: "Matrix" }) { id } }', expect: people('ok') },

    // Organisations, sites, staff and keys.
    createOrganisation: {
      document: 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }',
      variables: () => ({ input: { name: `Matrix ${unique()}` } }),
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', admin: 'ok' },
    },
    createSite: {
      document: 'mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }',
      variables: () => ({ input: { name: 'Matrix site', organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    updateSite: {
      document: 'mutation($id: ID!) { updateSite(id: $id, input: { city: "Kigali" }) { id } }',
      variables: () => ({ id: w.siteA }),
      expect: staff('ok'),
    },
    createUser: {
      document: 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: () => ({ input: { email: `made-${unique()}@example.com`, role: 'DRIVER', organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    createApiKey: {
      document: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }',
      variables: () => ({ input: { name: 'matrix', scopes: ['stations:read'], organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    revokeApiKey: {
      document: 'mutation($id: ID!) { revokeApiKey(id: $id) }',
      variables: async () => ({
        id: (await deps.apiKeys.create({ organisationId: w.orgA, name: 'throw-away', scopes: [], createdBy: null })).apiKey.id,
      }),
      expect: staff('ok'),
    },
  };
}
