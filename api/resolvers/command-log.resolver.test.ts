import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, errorCode, gql } from '../../test/api.js';
import { connectCharger } from '../../test/chargers.js';
import { twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('the command audit in the API', () => {
  let system: TestSystem;
  const tokens: Record<string, string> = {};
  let operatorEmail: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    const { orgA, orgB, users, tokens: roles } = await twoOrganisations(system, ['Audit Alpha', 'Audit Beta']);
    Object.assign(tokens, roles);
    operatorEmail = users.operatorA.email;
    tokens.auditorA = await aPartnerKey(system, orgA.organisationId, ['audit:read']);
    tokens.commanderA = await aPartnerKey(system, orgA.organisationId, ['commands:write']);
    const a = await system.deps.stations.create({ identity: 'AUDIT-A', siteId: orgA.siteId });
    await system.deps.stations.create({ identity: 'AUDIT-B', siteId: orgB.siteId });
    await connectCharger(
      system,
      { identity: 'AUDIT-A', password: a.ocppPassword },
      { handlers: { ClearCache: () => ({ status: 'Accepted' }) } },
    );
    await gql(system, 'mutation { clearCache(stationIdentity: "AUDIT-A") { status } }', {}, tokens.operatorA);
    await gql(system, 'mutation { clearCache(stationIdentity: "AUDIT-B") { status } }', {}, tokens.admin);
  });
  afterAll(() => system?.close());

  const log = `query($s: String) { commandLog(stationIdentity: $s) { totalCount nodes {
    stationIdentity action request response outcome error actorName } } }`;
  type Log = { commandLog: { totalCount: number; nodes: Record<string, unknown>[] } };

  it('tells who sent what to which station, when, and what came back', async () => {
    const result = await gql<Log>(system, log, {}, tokens.operatorA);
    expect(result.data?.commandLog.nodes).toEqual([
      {
        stationIdentity: 'AUDIT-A',
        action: 'ClearCache',
        request: {},
        response: { status: 'Accepted' },
        outcome: 'ok',
        error: null,
        actorName: operatorEmail,
      },
    ]);
  });

  it("shows each organisation its own stations' commands, admins all", async () => {
    const stations = async (who: string) =>
      (await gql<Log>(system, log, {}, tokens[who])).data?.commandLog.nodes.map((n) => n.stationIdentity).sort();
    expect(await stations('operatorA')).toEqual(['AUDIT-A']);
    expect(await stations('auditorA')).toEqual(['AUDIT-A']);
    expect(await stations('operatorB')).toEqual(['AUDIT-B']);
    expect(await stations('admin')).toEqual(['AUDIT-A', 'AUDIT-B']);
    const offline = (await gql<Log>(system, log, { s: 'AUDIT-B' }, tokens.admin)).data?.commandLog.nodes[0];
    expect(offline).toMatchObject({ outcome: 'offline', response: null, error: expect.stringMatching(/not connected/) });
  });

  it('names a user to a partner as a staff member, never by email', async () => {
    const result = await gql<Log>(system, log, {}, tokens.auditorA);
    expect(result.data?.commandLog.nodes.map((n) => n.actorName)).toEqual(['staff member']);
  });

  it("reads another organisation's station as not found, and keeps drivers and partners without audit:read out", async () => {
    expect(errorCode(await gql(system, log, { s: 'AUDIT-A' }, tokens.operatorB))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, log, {}, tokens.driver))).toBe('FORBIDDEN');
    expect(errorCode(await gql(system, log, {}, tokens.commanderA))).toBe('FORBIDDEN');
  });
});
