import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger, anIdTag, anIdToken, startSession, updateIdToken } from '../../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

type Answer = { idTagInfo: { status: string; expiryDate?: string; parentIdTag?: string } };

describe('Authorize', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('accepts a known credential', async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
    expect(answer).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('tells the station until when an accepted credential is valid', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const token = await anIdToken(system, { expiresAt });
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
    expect(answer.idTagInfo.status).toBe('Accepted');
    expect(Date.parse(answer.idTagInfo.expiryDate!)).toBe(expiresAt.getTime());
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Invalid for a credential nobody issued', async () => {
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: anIdTag() });
    expect(answer).toEqual({ idTagInfo: { status: 'Invalid' } });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Blocked for a blocked credential', async () => {
    const token = await anIdToken(system, { status: 'Blocked' });
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
    expect(answer.idTagInfo.status).toBe('Blocked');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Expired for a credential marked Expired, and for one whose expiry date has passed', async () => {
    const expiresAt = new Date(Date.now() - 60_000);
    const marked = await anIdToken(system, { status: 'Expired', expiresAt });
    const lapsed = await anIdToken(system, { expiresAt });
    const { charger } = await aConnectedCharger(system);
    for (const token of [marked, lapsed]) {
      const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
      expect(answer.idTagInfo.status).toBe('Expired');
      expect(Date.parse(answer.idTagInfo.expiryDate!)).toBe(expiresAt.getTime());
    }
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Blocked, naming the group, when the parent group is blocked', async () => {
    const group = await anIdToken(system, { type: 'CENTRAL', status: 'Blocked' });
    const token = await anIdToken(system, { parent: group });
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
    expect(answer).toEqual({ idTagInfo: { status: 'Blocked', parentIdTag: group.value } });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('names the parent group of an accepted credential', async () => {
    const group = await anIdToken(system, { type: 'CENTRAL' });
    const token = await anIdToken(system, { parent: group });
    const { charger } = await aConnectedCharger(system);
    const answer = await charger.call<Answer>('Authorize', { idTag: token.value });
    expect(answer).toEqual({ idTagInfo: { status: 'Accepted', parentIdTag: group.value } });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Accepted at the limit of open sessions: ConcurrentTx is for StartTransaction only', async () => {
    const token = await anIdToken(system, { maxConcurrent: 2 });
    const { charger } = await aConnectedCharger(system);
    await startSession(charger, { connectorId: 1, idTag: token.value });
    await startSession(charger, { connectorId: 2, idTag: token.value });
    expect((await charger.call<Answer>('Authorize', { idTag: token.value })).idTagInfo.status).toBe('Accepted');
    expect((await startSession(charger, { connectorId: 3, idTag: token.value })).idTagInfo.status).toBe('ConcurrentTx');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('refuses a credential blocked after it was accepted, once the cache is invalidated', async () => {
    const token = await anIdToken(system);
    const { charger } = await aConnectedCharger(system);
    expect((await charger.call<Answer>('Authorize', { idTag: token.value })).idTagInfo.status).toBe('Accepted');
    await updateIdToken(system, token, { status: 'Blocked' });
    expect((await charger.call<Answer>('Authorize', { idTag: token.value })).idTagInfo.status).toBe('Blocked');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('accepts a credential issued after the station first asked about it', async () => {
    const value = anIdTag();
    const { charger } = await aConnectedCharger(system);
    expect((await charger.call<Answer>('Authorize', { idTag: value })).idTagInfo.status).toBe('Invalid');
    await anIdToken(system, { value });
    await system.deps.authorization.invalidate(value);
    expect((await charger.call<Answer>('Authorize', { idTag: value })).idTagInfo.status).toBe('Accepted');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  describe('with idTags sent in another case', () => {
    it('matches the upper-case RFID value stored', async () => {
      const token = await anIdToken(system);
      const { charger } = await aConnectedCharger(system);
      const answer = await charger.call<Answer>('Authorize', { idTag: token.value.toLowerCase() });
      expect(answer.idTagInfo.status).toBe('Accepted');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });

    it('matches a credential of any type whatever the case, as idTags are case-insensitive in OCPP 1.6', async () => {
      const app = await anIdToken(system, { type: 'APP' });
      const central = await anIdToken(system, { type: 'CENTRAL', value: `Fleet${anIdTag().slice(-10)}` });
      const { charger } = await aConnectedCharger(system);
      expect((await charger.call<Answer>('Authorize', { idTag: app.value.toLowerCase() })).idTagInfo.status).toBe('Accepted');
      expect((await charger.call<Answer>('Authorize', { idTag: central.value.toUpperCase() })).idTagInfo.status).toBe('Accepted');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });

    it('does not guess between two credentials that differ only in case', async () => {
      const value = `Fleet${anIdTag().slice(-10)}`;
      await anIdToken(system, { type: 'CENTRAL', value });
      await anIdToken(system, { type: 'CENTRAL', value: value.toLowerCase() });
      const { charger } = await aConnectedCharger(system);
      expect((await charger.call<Answer>('Authorize', { idTag: value })).idTagInfo.status).toBe('Accepted');
      expect((await charger.call<Answer>('Authorize', { idTag: value.toUpperCase() })).idTagInfo.status).toBe('Invalid');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });

    it('refuses the tag once the stored credential is blocked and invalidated', async () => {
      const token = await anIdToken(system);
      const { charger } = await aConnectedCharger(system);
      expect((await charger.call<Answer>('Authorize', { idTag: token.value.toLowerCase() })).idTagInfo.status).toBe('Accepted');
      await updateIdToken(system, token, { status: 'Blocked' });
      expect((await charger.call<Answer>('Authorize', { idTag: token.value.toLowerCase() })).idTagInfo.status).toBe('Blocked');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });

    it('accepts the tag once the credential is issued, even if the station asked before', async () => {
      const value = anIdTag();
      const { charger } = await aConnectedCharger(system);
      expect((await charger.call<Answer>('Authorize', { idTag: value.toLowerCase() })).idTagInfo.status).toBe('Invalid');
      await anIdToken(system, { value });
      await system.deps.authorization.invalidate(value);
      expect((await charger.call<Answer>('Authorize', { idTag: value.toLowerCase() })).idTagInfo.status).toBe('Accepted');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });

    it('counts sessions started with the lower-case tag against the credential', async () => {
      const token = await anIdToken(system, { maxConcurrent: 1 });
      const { charger } = await aConnectedCharger(system);
      await startSession(charger, { connectorId: 1, idTag: token.value.toLowerCase() });
      expect((await startSession(charger, { connectorId: 2, idTag: token.value })).idTagInfo.status).toBe('ConcurrentTx');
      expect(charger.violations).toEqual([]);
      await charger.close();
    });
  });
});
