import { randomBytes } from 'node:crypto';
import { GraphQLObjectType } from 'graphql';
import { expect, it } from 'vitest';
import { buildApiSchema } from '../api/schema.js';
import { hashPassword } from '../auth/passwords.js';
import { apiScopes } from '../auth/principal.js';
import { IdToken, Organisation, User, type UserRole } from '../schema/entities/index.js';
import type { StationIdentity } from '../stations/service.js';
import { aPartnerKey, anOrganisation, gql } from './api.js';
import { aSession, aStationAt } from './api-data.js';
import type { TestSystem } from './system.js';

// The permission matrix: every principal against every operation, with two organisations. The tables
// live in api/permissions.*.test.ts; this file holds who the principals are, the world they act in,
// and how one attempt is judged.

/** Who asks. "A" and "B" are the two organisations; the driver charges with a card of organisation A. */
export const principals = [
  'anonymous',
  'admin',
  'operatorA',
  'operatorB',
  'driver',
  'otherDriver',
  'partnerA',
  'partnerANoScope',
  'partnerB',
] as const;
export type PrincipalName = (typeof principals)[number];

/**
 * What a principal gets: data (`ok`); a list holding its own items and nothing else (`filtered`); a list
 * with nothing in it (`empty`); or the error code. STATION_OFFLINE is a success for authorization: the
 * command passed every check and found the station not connected.
 */
export type Outcome = 'ok' | 'filtered' | 'empty' | 'STATION_OFFLINE' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
export type Expectations = Record<PrincipalName, Outcome>;

/** Anyone, signed in or not. */
export const everyone = (granted: Outcome): Expectations => Object.fromEntries(principals.map((who) => [who, granted])) as Expectations;

/** People with an account (`@Authorized('ADMIN', 'OPERATOR', 'DRIVER')`): API keys are refused. */
export const people = (granted: Outcome): Expectations => ({
  ...everyone(granted),
  anonymous: 'UNAUTHENTICATED',
  partnerA: 'FORBIDDEN',
  partnerANoScope: 'FORBIDDEN',
  partnerB: 'FORBIDDEN',
});

/** Staff (`@Authorized('ADMIN', 'OPERATOR')`) on an object of organisation A: B's operator finds nothing. */
export const staff = (granted: Outcome): Expectations => ({
  anonymous: 'UNAUTHENTICATED',
  admin: granted,
  operatorA: granted,
  operatorB: 'NOT_FOUND',
  driver: 'FORBIDDEN',
  otherDriver: 'FORBIDDEN',
  partnerA: 'FORBIDDEN',
  partnerANoScope: 'FORBIDDEN',
  partnerB: 'FORBIDDEN',
});

/** Staff and partners whose key holds the scope, on an object of organisation A. */
export const staffAndPartners = (granted: Outcome): Expectations => ({
  ...staff(granted),
  partnerA: granted,
  partnerB: 'NOT_FOUND',
});

/** A list everyone signed in may read (the partner only with the scope): admins see all, the others their own. */
export const ownItems = (): Expectations => ({
  ...everyone('filtered'),
  anonymous: 'UNAUTHENTICATED',
  admin: 'ok',
  partnerANoScope: 'FORBIDDEN',
});

interface Person {
  id: string;
  email: string;
  token: string;
}

export interface PermissionWorld {
  system: TestSystem;
  orgA: string;
  orgB: string;
  siteA: string;
  siteB: string;
  /** Accepted, at organisation A, not connected. */
  stationA: StationIdentity;
  stationB: StationIdentity;
  /** The identity of a station of organisation A still Pending: drivers may not see it. */
  pendingA: string;
  /** What each principal sends as its Bearer credential (nothing for anonymous). */
  credentials: Record<PrincipalName, string | undefined>;
  people: Record<'admin' | 'operatorA' | 'operatorB' | 'driver' | 'otherDriver', Person>;
  /** The password of every person made here. */
  password: string;
  passwordHash: string;
  /** The driver's RFID card, issued by organisation A. */
  driverTag: IdToken;
  /** The other driver's card, issued by organisation B. */
  otherDriverTag: IdToken;
  /** A card of organisation A that no driver owns. */
  orgATag: IdToken;
  /** The driver's open session at station A. */
  driverSession: string;
  /** The other driver's open session at station B. */
  otherDriverSession: string;
  /** An open session at station A with organisation A's unowned card. */
  staffSession: string;
  /** A tariff of organisation A, assigned to its stations; one of B. */
  tariffA: string;
  tariffB: string;
  /** An invoice of organisation A that the driver pays. */
  invoiceA: string;
  /** A webhook of organisation A (to a URL nothing listens on). */
  webhookA: string;
}

const organisationOf: Record<PrincipalName, 'A' | 'B' | null> = {
  anonymous: null,
  admin: null,
  operatorA: 'A',
  operatorB: 'B',
  driver: null,
  otherDriver: null,
  partnerA: 'A',
  partnerANoScope: 'A',
  partnerB: 'B',
};

/** The organisation a principal works for; null for admins, drivers and anonymous. */
export const organisationIdOf = (world: PermissionWorld, who: PrincipalName): string | null => {
  const org = organisationOf[who];
  return org === 'A' ? world.orgA : org === 'B' ? world.orgB : null;
};

/** The account behind a principal that is a person, else null. */
export const personOf = (world: PermissionWorld, who: PrincipalName): Person | null =>
  who in world.people ? world.people[who as keyof PermissionWorld['people']] : null;

const roleOf: Partial<Record<PrincipalName, UserRole>> = {
  admin: 'ADMIN',
  operatorA: 'OPERATOR',
  operatorB: 'OPERATOR',
  driver: 'DRIVER',
  otherDriver: 'DRIVER',
};

/** Eight hex digits, to keep throw-away names apart. */
export const unique = () => randomBytes(4).toString('hex');

/** A person with a real password hash (so login and deleteAccount work), and an access token. */
export async function aPerson(system: TestSystem, role: UserRole, organisationId: string | null, passwordHash: string): Promise<Person> {
  const em = system.deps.orm.em.fork();
  const user = em.create(User, {
    email: `${role.toLowerCase()}-${unique()}@example.com`,
    passwordHash,
    role,
    organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
    emailVerifiedAt: new Date(),
  });
  await em.flush();
  return { id: user.id, email: user.email, token: (await system.deps.tokens.sign({ id: user.id, role, organisationId })).token };
}

/** A card of an organisation (and owner), Accepted. */
export async function aCard(system: TestSystem, organisationId: string | null, ownerId: string | null): Promise<IdToken> {
  const em = system.deps.orm.em.fork();
  const token = em.create(IdToken, {
    value: `${unique()}${unique()}`.slice(0, 14).toUpperCase(),
    type: 'RFID',
    owner: ownerId ? em.getReference(User, ownerId) : null,
    organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
  });
  await em.flush();
  return token;
}

/** Two organisations with a station each, every principal, cards and open sessions: one per test file. */
export async function aPermissionWorld(system: TestSystem): Promise<PermissionWorld> {
  const password = 'Matrix-of-permissions-42';
  const passwordHash = await hashPassword(password);
  const a = await anOrganisation(system, `Perm A ${unique()}`);
  const b = await anOrganisation(system, `Perm B ${unique()}`);
  const tag = unique().toUpperCase();
  const [stationA, stationB, pendingA] = await Promise.all([
    aStationAt(system, a.siteId, `PERM-A-${tag}`),
    aStationAt(system, b.siteId, `PERM-B-${tag}`),
    system.deps.stations.create({ identity: `PERM-A-PENDING-${tag}`, siteId: a.siteId, registrationStatus: 'Pending' }),
  ]);
  const [admin, operatorA, operatorB, driver, otherDriver] = await Promise.all([
    aPerson(system, 'ADMIN', null, passwordHash),
    aPerson(system, 'OPERATOR', a.organisationId, passwordHash),
    aPerson(system, 'OPERATOR', b.organisationId, passwordHash),
    aPerson(system, 'DRIVER', null, passwordHash),
    aPerson(system, 'DRIVER', null, passwordHash),
  ]);
  const [partnerA, partnerANoScope, partnerB] = await Promise.all([
    aPartnerKey(system, a.organisationId, [...apiScopes]),
    aPartnerKey(system, a.organisationId, []),
    aPartnerKey(system, b.organisationId, [...apiScopes]),
  ]);
  const [driverTag, otherDriverTag, orgATag] = await Promise.all([
    aCard(system, a.organisationId, driver.id),
    aCard(system, b.organisationId, otherDriver.id),
    aCard(system, a.organisationId, null),
  ]);
  const driverSession = (await aSession(system, stationA, driverTag, { connectorId: 1 })).id;
  const staffSession = (await aSession(system, stationA, orgATag, { connectorId: 2 })).id;
  const otherDriverSession = (await aSession(system, stationB, otherDriverTag, { connectorId: 1 })).id;
  const perKwh = { currency: 'RWF', type: 'REGULAR', altText: [], pricesIncludeTax: true, taxes: [] };
  const definition = { ...perKwh, elements: [{ priceComponents: [{ type: 'ENERGY', price: '300', stepSize: 1 }] }] };
  const tariffA = (await system.deps.tariffs.create(a.organisationId, 'Perm A', { definition })).tariff.id;
  const tariffB = (await system.deps.tariffs.create(b.organisationId, 'Perm B', { definition })).tariff.id;
  await system.deps.tariffs.assign({ tariffId: tariffA });
  const [invoice] = await system.deps.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(
      `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
         status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', 1000, 180, 1180, 'open', now(), now() + interval '14 days') returning id`,
      [a.organisationId, `PERM-${tag}-1`, driver.id],
    );
  await system.deps.ledger.creditWallet({
    organisationId: a.organisationId,
    userId: driver.id,
    currency: 'RWF',
    amountMinor: 5000,
    actor: null,
    reason: 'welcome credit',
    idempotencyKey: `perm-${tag}`,
  });
  const webhookA = await system.deps.webhooks.endpoints.create({
    organisationId: a.organisationId,
    url: 'http://127.0.0.1:9/perm',
    secret: 'a-permission-world-secret-0123',
    events: ['session.ended'],
    createdBy: null,
  });
  return {
    system,
    webhookA: webhookA.id,
    tariffA,
    tariffB,
    invoiceA: invoice?.id as string,
    orgA: a.organisationId,
    orgB: b.organisationId,
    siteA: a.siteId,
    siteB: b.siteId,
    stationA,
    stationB,
    pendingA: pendingA.station.identity,
    credentials: {
      anonymous: undefined,
      admin: admin.token,
      operatorA: operatorA.token,
      operatorB: operatorB.token,
      driver: driver.token,
      otherDriver: otherDriver.token,
      partnerA,
      partnerANoScope,
      partnerB,
    },
    people: { admin, operatorA, operatorB, driver, otherDriver },
    password,
    passwordHash,
    driverTag,
    otherDriverTag,
    orgATag,
    driverSession,
    otherDriverSession,
    staffSession,
  };
}

/** A credential for a new principal of the same kind (same role, organisation and scopes): for operations that end the caller. */
export async function aFreshCaller(world: PermissionWorld, who: PrincipalName): Promise<string | undefined> {
  const role = roleOf[who];
  if (role) return (await aPerson(world.system, role, organisationIdOf(world, who), world.passwordHash)).token;
  if (who === 'anonymous') return undefined;
  const scopes = who === 'partnerANoScope' ? [] : [...apiScopes];
  return aPartnerKey(world.system, organisationIdOf(world, who) as string, scopes);
}

/** One row of a query or mutation table. */
export interface OperationRow {
  /** The operation, selecting little, with the variables it names. */
  document: string;
  /** Variables for one principal's attempt: fresh throw-away objects where the operation changes them. */
  variables?: (who: PrincipalName) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The credential to send instead of the principal's own (operations that end the caller's sign-in or account). */
  caller?: (who: PrincipalName) => Promise<string | undefined>;
  /** For lists (`filtered`, `empty`): the items of the answer and whether one is the principal's own. */
  items?: (data: unknown) => Array<Record<string, unknown>>;
  owns?: (who: PrincipalName, item: Record<string, unknown>) => boolean;
  expect: Expectations;
}

/** What one principal got from an operation, in the words of `Outcome` (or what went wrong). */
async function attempt(world: PermissionWorld, field: string, row: OperationRow, who: PrincipalName): Promise<string> {
  const variables = (await row.variables?.(who)) ?? {};
  const credential = row.caller ? await row.caller(who) : world.credentials[who];
  const result = await gql(world.system, row.document, variables, credential);
  const error = result.errors?.[0];
  if (error) return error.extensions?.code ?? `error without a code: ${error.message}`;
  const data = (result.data as Record<string, unknown> | null)?.[field];
  if (data === undefined || data === null) return 'no data and no error';
  if (row.expect[who] !== 'filtered' && row.expect[who] !== 'empty') return 'ok';
  if (!row.items || !row.owns) return `the row of ${field} expects a list but says neither items nor owns`;
  const items = row.items(data);
  const foreign = items.filter((item) => !row.owns?.(who, item));
  if (foreign.length) return `sees another's: ${JSON.stringify(foreign)}`;
  return items.length ? 'filtered' : 'empty';
}

/** Every principal's outcome for one operation, attempted at once. */
async function observe(world: PermissionWorld, field: string, row: OperationRow): Promise<Record<PrincipalName, string>> {
  const outcomes = await Promise.all(principals.map((who) => attempt(world, field, row, who)));
  return Object.fromEntries(principals.map((who, i) => [who, outcomes[i]])) as Record<PrincipalName, string>;
}

type OperationKind = 'Query' | 'Mutation' | 'Subscription';

/** The fields of the schema's Query, Mutation or Subscription type, sorted: what the matrix must cover. */
export async function schemaOperations(kind: OperationKind): Promise<string[]> {
  const type = (await buildApiSchema()).getType(kind);
  return type instanceof GraphQLObjectType ? Object.keys(type.getFields()).sort() : [];
}

/**
 * The tests of one table: it has a row for every operation of the schema (so that a new one cannot go
 * unchecked) and none for one that is gone; then one test per operation, every principal at once.
 */
export function itAnswersAsTheMatrixSays(
  kind: OperationKind,
  operations: string[],
  table: () => { world: PermissionWorld; rows: Record<string, OperationRow> },
): void {
  it(`has a row for every ${kind} field of the schema, and none for one that is gone`, () => {
    expect(Object.keys(table().rows).sort()).toEqual(operations);
  });
  it.each(operations)('answers %s to each principal as the matrix says', async (name) => {
    const { world, rows } = table();
    const row = rows[name];
    if (!row) throw new Error(`${kind}.${name} has no row in the permission matrix: add one`);
    expect(await observe(world, name, row)).toEqual(row.expect);
  });
}
