import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser } from '../test/api.js';
import { aConnectedCharger, anRfidUid, aStopTransaction, sql, startSession } from '../test/builders.js';
import { anIdentity, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import type { CreateIdTokenInput } from './id-tokens.js';
import { pushFullLocalList } from './local-lists.js';

type Answer = { idTagInfo: { status: string; expiryDate?: string; parentIdTag?: string } };

describe('credentials', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
    orgA = await anOrganisation(system, 'Tokens Alpha');
    orgB = await anOrganisation(system, 'Tokens Beta');
  });
  afterAll(() => system?.close());

  const issue = async (overrides: Partial<CreateIdTokenInput> = {}) =>
    (await system.deps.idTokens.create({ value: anRfidUid(), type: 'RFID', organisationId: orgA.organisationId, ...overrides })).token;
  const authorize = async (charger: TestCharger, idTag: string) => (await charger.call<Answer>('Authorize', { idTag })).idTagInfo;

  /** A station of that organisation, connected (and seen online), recording the local lists it is sent. */
  async function aListHolder(org: { siteId: string }) {
    const identity = anIdentity('LL');
    const created = await system.deps.stations.create({ identity, siteId: org.siteId });
    const lists: Array<{ listVersion: number; updateType: string; localAuthorizationList?: unknown[] }> = [];
    const charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          SendLocalList: (params) => {
            lists.push(params as (typeof lists)[number]);
            return { status: 'Accepted' };
          },
        },
      },
    );
    await eventually(
      async () => (await sql<{ online: boolean }>(system, 'select online from station where identity = ?', [identity]))[0]?.online,
    );
    return { identity, charger, lists };
  }

  it('stores an RFID UID written with separators and in lower case as upper-case hex, and a station finds it either way', async () => {
    const token = await issue({ value: '04:a1:b2:c3:d4:e5:f6' });
    expect(token.value).toBe('04A1B2C3D4E5F6');
    const { charger } = await aConnectedCharger(system);
    expect(await authorize(charger, '04a1b2c3d4e5f6')).toEqual({ status: 'Accepted' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('refuses a value issued already, and a value longer than an idTag', async () => {
    const token = await issue();
    await expect(issue({ value: token.value.toLowerCase() })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(issue({ value: '04:A1:B2:C3:D4:E5:F6:07:08:09:0A' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('answers each status: Accepted, Blocked, Expired (marked or past its date), Invalid (never issued)', async () => {
    const past = new Date(Date.now() - 60_000);
    const accepted = await issue();
    const blocked = await issue({ status: 'Blocked' });
    const expired = await issue({ status: 'Expired' });
    const lapsed = await issue({ expiresAt: past });
    const { charger } = await aConnectedCharger(system);
    expect((await authorize(charger, accepted.value)).status).toBe('Accepted');
    expect((await authorize(charger, blocked.value)).status).toBe('Blocked');
    expect((await authorize(charger, expired.value)).status).toBe('Expired');
    expect(await authorize(charger, lapsed.value)).toEqual({ status: 'Expired', expiryDate: past.toISOString() });
    expect((await authorize(charger, anRfidUid())).status).toBe('Invalid');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('refuses a credential on the next Authorize once it is blocked, and accepts it again once reinstated', async () => {
    const token = await issue();
    const { charger } = await aConnectedCharger(system);
    expect((await authorize(charger, token.value)).status).toBe('Accepted');
    await system.deps.idTokens.update(token.id, { status: 'Blocked' });
    expect((await authorize(charger, token.value)).status).toBe('Blocked');
    await system.deps.idTokens.update(token.id, { status: 'Accepted' });
    expect((await authorize(charger, token.value)).status).toBe('Accepted');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Expired once the expiry date is moved into the past, and Accepted once it is removed', async () => {
    const token = await issue();
    const { charger } = await aConnectedCharger(system);
    expect((await authorize(charger, token.value)).status).toBe('Accepted');
    await system.deps.idTokens.update(token.id, { expiresAt: new Date(Date.now() - 1000) });
    expect((await authorize(charger, token.value)).status).toBe('Expired');
    await system.deps.idTokens.update(token.id, { expiresAt: null });
    expect(await authorize(charger, token.value)).toEqual({ status: 'Accepted' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it("refuses a group's members on their next Authorize once the group is blocked (their cached answers are dropped)", async () => {
    const group = await issue({ type: 'CENTRAL', value: `FLEET${anRfidUid().slice(0, 10)}` });
    const member = await issue({ parentValue: group.value });
    const { charger } = await aConnectedCharger(system);
    expect(await authorize(charger, member.value)).toEqual({ status: 'Accepted', parentIdTag: group.value });
    await system.deps.idTokens.update(group.id, { status: 'Blocked' });
    expect(await authorize(charger, member.value)).toEqual({ status: 'Blocked', parentIdTag: group.value });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('refuses a group of another organisation, and a group that would contain itself', async () => {
    const foreign = await issue({ type: 'CENTRAL', value: `B${anRfidUid()}`.slice(0, 20), organisationId: orgB.organisationId });
    await expect(issue({ parentValue: foreign.value })).rejects.toThrow(/^parentValue: no credential/);
    const group = await issue({ type: 'CENTRAL', value: `G${anRfidUid()}`.slice(0, 20) });
    const member = await issue({ parentValue: group.value });
    await expect(system.deps.idTokens.update(group.id, { parentValue: member.value })).rejects.toThrow(/cannot be in its own group/);
  });

  it('answers ConcurrentTx at the limit of open sessions, and Accepted once the limit is raised', async () => {
    const token = await issue({ maxConcurrent: 1 });
    const { charger } = await aConnectedCharger(system);
    const { transactionId } = await startSession(charger, { connectorId: 1, idTag: token.value });
    const refused = await startSession(charger, { connectorId: 2, idTag: token.value });
    expect(refused.idTagInfo.status).toBe('ConcurrentTx');
    await system.deps.idTokens.update(token.id, { maxConcurrent: 3 });
    expect((await startSession(charger, { connectorId: 3, idTag: token.value })).idTagInfo.status).toBe('Accepted');
    for (const id of [transactionId, refused.transactionId]) await charger.call('StopTransaction', aStopTransaction({ transactionId: id }));
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('audits every decision: what was asked, where, for what, the answer and why', async () => {
    const token = await issue({ status: 'Accepted' });
    const unknown = anRfidUid();
    const { station, charger } = await aConnectedCharger(system);
    await authorize(charger, unknown);
    await authorize(charger, token.value.toLowerCase());
    const { transactionId } = await startSession(charger, { idTag: token.value });
    await charger.call('StopTransaction', aStopTransaction({ transactionId, idTag: token.value }));
    await system.deps.authDecisions.flush();
    const rows = await sql(system, 'select id_tag, purpose, status, reason from auth_decision where station_id = ? order by id', [
      station.id,
    ]);
    expect(rows).toEqual([
      { id_tag: unknown, purpose: 'Authorize', status: 'Invalid', reason: 'unknown credential' },
      { id_tag: token.value.toLowerCase(), purpose: 'Authorize', status: 'Accepted', reason: 'accepted' },
      { id_tag: token.value, purpose: 'StartTransaction', status: 'Accepted', reason: 'accepted' },
      { id_tag: token.value, purpose: 'StopTransaction', status: 'Accepted', reason: 'accepted' },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  describe('local lists', () => {
    it("builds a station's full list from its organisation's accepted credentials and drivers' own", async () => {
      const driver = await aUser(system, 'DRIVER');
      const ours = await issue();
      const drivers = await issue({ organisationId: null, ownerId: driver.id });
      const blocked = await issue({ status: 'Blocked' });
      const theirs = await issue({ organisationId: orgB.organisationId });
      const holder = await aListHolder(orgA);
      const pushed = await pushFullLocalList(system.deps, holder.identity);
      expect(pushed).toMatchObject({ status: 'Accepted', listVersion: 1 });
      const sent = holder.lists[0]?.localAuthorizationList?.map((e) => (e as { idTag: string }).idTag);
      expect(sent).toEqual(expect.arrayContaining([ours.value, drivers.value]));
      expect(sent).not.toContain(blocked.value);
      expect(sent).not.toContain(theirs.value);
      expect(holder.charger.violations).toEqual([]);
      await holder.charger.close();
    });

    it('tells the online stations that hold a blocked credential, by a differential update, and no others', async () => {
      const token = await issue();
      const holder = await aListHolder(orgA);
      const withoutList = await aListHolder(orgA);
      const otherOrg = await aListHolder(orgB);
      await pushFullLocalList(system.deps, holder.identity);
      await pushFullLocalList(system.deps, otherOrg.identity);
      const change = await system.deps.idTokens.update(token.id, { status: 'Blocked' });
      expect(change.localLists).toContainEqual({ identity: holder.identity, status: 'Accepted' });
      expect(change.localLists.map((l) => l.identity)).not.toContain(withoutList.identity);
      expect(change.localLists.map((l) => l.identity)).not.toContain(otherOrg.identity);
      expect(holder.lists[1]).toEqual({
        listVersion: 2,
        updateType: 'Differential',
        localAuthorizationList: [{ idTag: token.value, idTagInfo: { status: 'Blocked' } }],
      });
      expect([withoutList.lists.length, otherOrg.lists.length]).toEqual([0, 1]);
      for (const s of [holder, withoutList, otherOrg]) {
        expect(s.charger.violations).toEqual([]);
        await s.charger.close();
      }
    });

    it("sends a blocked group's members along with it", async () => {
      const group = await issue({ type: 'CENTRAL', value: `GRP${anRfidUid()}`.slice(0, 20) });
      const member = await issue({ parentValue: group.value });
      const holder = await aListHolder(orgA);
      await pushFullLocalList(system.deps, holder.identity);
      await system.deps.idTokens.update(group.id, { status: 'Blocked' });
      expect(holder.lists[1]?.localAuthorizationList).toEqual([
        { idTag: group.value, idTagInfo: { status: 'Blocked' } },
        { idTag: member.value, idTagInfo: { status: 'Blocked', parentIdTag: group.value } },
      ]);
      expect(holder.charger.violations).toEqual([]);
      await holder.charger.close();
    });
  });

  it("issues a driver's app credential once, even when asked for it twice at the same moment", async () => {
    const driver = await aUser(system, 'DRIVER');
    const tokens = await Promise.all([1, 2, 3].map(() => system.deps.idTokens.appTokenOf(driver.id)));
    expect(new Set(tokens.map((t) => t.id)).size).toBe(1);
    expect(tokens[0]?.value).toMatch(/^APP[0-9A-F]{16}$/);
  });
});
