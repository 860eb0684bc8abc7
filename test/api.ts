import { randomBytes } from 'node:crypto';
import type { UserRole } from '../schema/entities/index.js';
import { Organisation, Site, User } from '../schema/entities/index.js';
import type { TestSystem } from './system.js';

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }>;
}

/** Sends a GraphQL operation over HTTP, as a partner app would. */
export async function gql<T = Record<string, unknown>>(
  system: TestSystem,
  query: string,
  variables: Record<string, unknown> = {},
  credential?: string,
): Promise<GqlResult<T>> {
  const response = await fetch(`${system.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GqlResult<T>, 'status'>;
  return { status: response.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
}

/** The error code of the first error, if any. */
export const errorCode = (result: GqlResult<unknown>) => result.errors?.[0]?.extensions?.code;

export async function anOrganisation(system: TestSystem, name = `Org ${randomBytes(3).toString('hex')}`) {
  const em = system.deps.orm.em.fork();
  const organisation = em.create(Organisation, { name, slug: name.toLowerCase().replace(/\W+/g, '-') });
  const site = em.create(Site, { organisation, name: `${name} site`, city: 'Kigali', country: 'RW' });
  await em.flush();
  return { organisationId: organisation.id, siteId: site.id };
}

/** A user of that role (and organisation), and an access token for it, without going through login. */
export async function aUser(system: TestSystem, role: UserRole, organisationId: string | null = null) {
  const em = system.deps.orm.em.fork();
  const user = em.create(User, {
    email: `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test`,
    passwordHash: 'not-a-real-hash',
    role,
    organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
    emailVerifiedAt: new Date(),
  });
  await em.flush();
  const { token } = await system.deps.tokens.sign({ id: user.id, role, organisationId });
  return { id: user.id, email: user.email, token };
}

/** A partner API key of that organisation with these scopes. */
export async function aPartnerKey(system: TestSystem, organisationId: string, scopes: string[]) {
  const { key } = await system.deps.apiKeys.create({ organisationId, name: 'test partner', scopes, createdBy: null });
  return key;
}
