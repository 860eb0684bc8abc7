import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, aUser, anOrganisation, errorCode, gql } from '../../test/api.js';
import { anRfidUid } from '../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

interface Token {
  id: string;
  value: string;
  type: string;
  status: string;
  ownerId: string | null;
  organisationId: string | null;
}

const fields = 'id value type status ownerId organisationId';
const create = `mutation($input: CreateIdTokenInput!) { createIdToken(input: $input) { ${fields} } }`;
const update = `mutation($id: ID!, $input: UpdateIdTokenInput!) { updateIdToken(id: $id, input: $input) { ${fields} } }`;
const list = `query($filter: IdTokenFilter) { idTokens(filter: $filter, first: 100) { totalCount nodes { ${fields} } } }`;
const one = `query($id: ID!) { idToken(id: $id) { ${fields} } }`;

describe('credentials in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  let operatorA: string;
  let operatorB: string;
  let driver: Awaited<ReturnType<typeof aUser>>;
  let otherDriver: Awaited<ReturnType<typeof aUser>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    orgA = await anOrganisation(system, 'Cards Alpha');
    orgB = await anOrganisation(system, 'Cards Beta');
    operatorA = (await aUser(system, 'OPERATOR', orgA.organisationId)).token;
    operatorB = (await aUser(system, 'OPERATOR', orgB.organisationId)).token;
    driver = await aUser(system, 'DRIVER');
    otherDriver = await aUser(system, 'DRIVER');
  });
  afterAll(() => system?.close());

  const createAs = async (credential: string, input: Record<string, unknown>) =>
    gql<{ createIdToken: Token }>(system, create, { input }, credential);

  it("issues a card in the operator's organisation, stored as upper-case hex", async () => {
    const result = await createAs(operatorA, { value: '04:aa:bb:cc', type: 'RFID', ownerId: driver.id });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createIdToken).toMatchObject({
      value: '04AABBCC',
      type: 'RFID',
      status: 'Accepted',
      ownerId: driver.id,
      organisationId: orgA.organisationId,
    });
  });

  it('explains a value longer than an idTag, and refuses a value issued already', async () => {
    const bad = await createAs(operatorA, { value: '04:aa:bb:cc:dd:ee:ff:00:11:22:33', type: 'RFID' });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/^value: expected 1 to 20 printable characters/);
    const value = anRfidUid();
    await createAs(operatorA, { value, type: 'RFID' });
    expect(errorCode(await createAs(operatorB, { value: value.toLowerCase(), type: 'RFID' }))).toBe('CONFLICT');
  });

  it("reads another organisation's credential as not found, and lists only its own", async () => {
    const theirs = (await createAs(operatorB, { value: anRfidUid(), type: 'RFID' })).data!.createIdToken;
    expect(errorCode(await gql(system, one, { id: theirs.id }, operatorA))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, update, { id: theirs.id, input: { status: 'Blocked' } }, operatorA))).toBe('NOT_FOUND');
    const mine = await gql<{ idTokens: { nodes: Token[] } }>(system, list, {}, operatorA);
    expect(mine.data?.idTokens.nodes.length).toBeGreaterThan(0);
    expect(mine.data?.idTokens.nodes.every((t) => t.organisationId === orgA.organisationId)).toBe(true);
    expect(errorCode(await createAs(operatorA, { value: anRfidUid(), type: 'RFID', organisationId: orgB.organisationId }))).toBe(
      'NOT_FOUND',
    );
  });

  it('lets an operator block a card and filter by status', async () => {
    const card = (await createAs(operatorA, { value: anRfidUid(), type: 'RFID' })).data!.createIdToken;
    const blocked = await gql<{ updateIdToken: Token }>(system, update, { id: card.id, input: { status: 'Blocked' } }, operatorA);
    expect(blocked.data?.updateIdToken.status).toBe('Blocked');
    const found = await gql<{ idTokens: { nodes: Token[] } }>(
      system,
      list,
      { filter: { status: 'Blocked', search: card.value } },
      operatorA,
    );
    expect(found.data?.idTokens.nodes.map((t) => t.id)).toEqual([card.id]);
  });

  describe('for a driver', () => {
    it('adds a card of their own, and sees only their own', async () => {
      const mine = await createAs(driver.token, { value: anRfidUid(), type: 'RFID' });
      expect(mine.data?.createIdToken).toMatchObject({ ownerId: driver.id, status: 'Accepted', organisationId: null });
      const theirs = (await createAs(otherDriver.token, { value: anRfidUid(), type: 'APP' })).data!.createIdToken;
      const listed = await gql<{ idTokens: { nodes: Token[] } }>(system, list, {}, driver.token);
      expect(listed.data?.idTokens.nodes.length).toBeGreaterThan(0);
      expect(listed.data?.idTokens.nodes.every((t) => t.ownerId === driver.id)).toBe(true);
      expect(errorCode(await gql(system, one, { id: theirs.id }, driver.token))).toBe('NOT_FOUND');
      const filtered = await gql<{ idTokens: { totalCount: number } }>(system, list, { filter: { ownerId: otherDriver.id } }, driver.token);
      expect(filtered.data?.idTokens.totalCount).toBe(0);
    });

    it("may not add a group, another's card, or a card that is not Accepted", async () => {
      for (const input of [
        { value: anRfidUid(), type: 'CENTRAL' },
        { value: anRfidUid(), type: 'RFID', ownerId: otherDriver.id },
        { value: anRfidUid(), type: 'RFID', status: 'Blocked' },
        { value: anRfidUid(), type: 'RFID', maxConcurrent: 0 },
      ]) {
        expect(errorCode(await createAs(driver.token, input))).toBe('FORBIDDEN');
      }
    });

    it('may block a lost card, and change nothing else', async () => {
      const card = (await createAs(driver.token, { value: anRfidUid(), type: 'RFID' })).data!.createIdToken;
      expect(errorCode(await gql(system, update, { id: card.id, input: { maxConcurrent: 5 } }, driver.token))).toBe('FORBIDDEN');
      const blocked = await gql<{ updateIdToken: Token }>(system, update, { id: card.id, input: { status: 'Blocked' } }, driver.token);
      expect(blocked.data?.updateIdToken.status).toBe('Blocked');
      expect(errorCode(await gql(system, update, { id: card.id, input: { status: 'Accepted' } }, driver.token))).toBe('FORBIDDEN');
    });
  });

  it('lets a partner key with idtokens:read list, and not create', async () => {
    const reader = await aPartnerKey(system, orgA.organisationId, ['idtokens:read']);
    const listed = await gql<{ idTokens: { totalCount: number } }>(system, list, {}, reader);
    expect(listed.data?.idTokens.totalCount).toBeGreaterThan(0);
    expect(errorCode(await createAs(reader, { value: anRfidUid(), type: 'RFID' }))).toBe('FORBIDDEN');
  });

  describe('the audit of decisions', () => {
    const audit = `query($idTag: String) { authorizationDecisions(idTag: $idTag, first: 10) { totalCount nodes { idTag stationIdentity purpose status reason } } }`;

    it("shows an operator the decisions at its organisation's stations, not another's; and no driver", async () => {
      const stationA = await system.deps.stations.create({ identity: `AUD-A-${process.pid}`, siteId: orgA.siteId });
      const stationB = await system.deps.stations.create({ identity: `AUD-B-${process.pid}`, siteId: orgB.siteId });
      const idTag = anRfidUid();
      await system.deps.authorization.check(idTag, { stationId: stationA.station.id });
      await system.deps.authorization.check(idTag, { purpose: 'StartTransaction', stationId: stationB.station.id });
      await system.deps.authDecisions.flush();
      const seen = await gql<{ authorizationDecisions: { nodes: unknown[] } }>(system, audit, { idTag: idTag.toLowerCase() }, operatorA);
      expect(seen.data?.authorizationDecisions.nodes).toEqual([
        { idTag, stationIdentity: stationA.station.identity, purpose: 'Authorize', status: 'Invalid', reason: 'unknown credential' },
      ]);
      const admin = (await aUser(system, 'ADMIN')).token;
      const all = await gql<{ authorizationDecisions: { totalCount: number } }>(system, audit, { idTag }, admin);
      expect(all.data?.authorizationDecisions.totalCount).toBe(2);
      expect(errorCode(await gql(system, audit, { idTag }, driver.token))).toBe('FORBIDDEN');
    });
  });
});
