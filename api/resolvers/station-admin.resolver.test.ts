import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPartnerKey, anOrganisation, errorCode, gql } from '../../test/api.js';
import { bootPayload, connectCharger } from '../../test/chargers.js';
import { twoOrganisations } from '../../test/api-data.js';
import { eventually, startTestSystem, type TestSystem } from '../../test/system.js';

describe('managing stations in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  let orgB: Awaited<ReturnType<typeof anOrganisation>>;
  const tokens: Record<string, string> = {};
  const station = async (identity: string, overrides: { registrationStatus?: 'Pending' } = {}) =>
    (await system.deps.stations.create({ identity, siteId: orgA.siteId, ...overrides })).ocppPassword as string;
  const admits = async (identity: string, password: string) => (await system.deps.stations.admit(identity, password, false)).ok;

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    const world = await twoOrganisations(system, ['Manage Alpha', 'Manage Beta']);
    ({ orgA, orgB } = world);
    Object.assign(tokens, world.tokens);
    tokens.writerA = await aPartnerKey(system, orgA.organisationId, ['stations:write']);
  });
  afterAll(() => system?.close());

  const update =
    'mutation($id: String!, $input: UpdateStationInput!) { updateStation(identity: $id, input: $input) { name site { id } organisation { name } } }';

  it("renames a station and moves it to another of the organisation's sites, not to another organisation's", async () => {
    await station('MGT-MOVE');
    const em = system.deps.orm.em.fork();
    const depot = (
      await em
        .getConnection()
        .execute<{ id: string }[]>(
          `insert into site (id, organisation_id, name, time_zone, created_at) values (gen_random_uuid(), ?, 'Depot', 'UTC', now()) returning id`,
          [orgA.organisationId],
        )
    )[0]?.id;
    const moved = await gql(system, update, { id: 'MGT-MOVE', input: { name: 'Bay 1', siteId: depot } }, tokens.operatorA);
    expect(moved.data).toEqual({ updateStation: { name: 'Bay 1', site: { id: depot }, organisation: { name: 'Manage Alpha' } } });
    expect(errorCode(await gql(system, update, { id: 'MGT-MOVE', input: { siteId: orgB.siteId } }, tokens.operatorA))).toBe('NOT_FOUND');
    expect((await gql(system, update, { id: 'MGT-MOVE', input: { name: null } }, tokens.writerA)).data).toMatchObject({
      updateStation: { name: null },
    });
  });

  it('keeps other organisations and drivers out', async () => {
    await station('MGT-OWN');
    expect(errorCode(await gql(system, update, { id: 'MGT-OWN', input: { name: 'x' } }, tokens.operatorB))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, update, { id: 'MGT-OWN', input: { name: 'x' } }, tokens.driver))).toBe('FORBIDDEN');
    for (const mutation of ['retireStation', 'acceptStation', 'rejectStation', 'rotateStationPassword']) {
      const result = await gql(system, `mutation { ${mutation}(identity: "MGT-OWN") { __typename } }`, {}, tokens.operatorB);
      expect(errorCode(result), mutation).toBe('NOT_FOUND');
    }
  });

  it('retires a station: it may no longer connect and leaves the list', async () => {
    const password = await station('MGT-RETIRE');
    const result = await gql<{ retireStation: { retiredAt: string } }>(
      system,
      'mutation { retireStation(identity: "MGT-RETIRE") { retiredAt } }',
      {},
      tokens.operatorA,
    );
    expect(new Date(result.data?.retireStation.retiredAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await system.deps.stations.admit('MGT-RETIRE', password, false)).toMatchObject({ ok: false, status: 404 });
    const listed = await gql<{ stations: { nodes: { identity: string }[] } }>(
      system,
      '{ stations { nodes { identity } } }',
      {},
      tokens.operatorA,
    );
    expect(listed.data?.stations.nodes.map((n) => n.identity)).not.toContain('MGT-RETIRE');
  });

  it('accepts a pending station and has it boot again at once to hear so', async () => {
    const password = await station('MGT-PENDING', { registrationStatus: 'Pending' });
    const boots: string[] = [];
    const charger = await connectCharger(
      system,
      { identity: 'MGT-PENDING', password },
      {
        handlers: {
          TriggerMessage: () => {
            setTimeout(
              () => void charger.call<{ status: string }>('BootNotification', bootPayload()).then((a) => boots.push(a.status)),
              50,
            );
            return { status: 'Accepted' };
          },
        },
      },
    );
    boots.push((await charger.call<{ status: string }>('BootNotification', bootPayload())).status);
    await eventually(
      async () =>
        (await system.deps.orm.em.fork().getConnection().execute(`select 1 from station where identity = 'MGT-PENDING' and online`))
          .length > 0,
    );
    const accepted = await gql(
      system,
      'mutation { acceptStation(identity: "MGT-PENDING") { bootTrigger station { registrationStatus } } }',
      {},
      tokens.operatorA,
    );
    expect(accepted.data).toEqual({ acceptStation: { bootTrigger: 'Accepted', station: { registrationStatus: 'Accepted' } } });
    await eventually(() => boots.length === 2);
    expect(boots).toEqual(['Pending', 'Accepted']);
    const again = await gql(system, 'mutation { rejectStation(identity: "MGT-PENDING") { bootTrigger } }', {}, tokens.operatorA);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('rejects a pending station that is not connected, telling it nothing yet', async () => {
    await station('MGT-REJECT', { registrationStatus: 'Pending' });
    const result = await gql(
      system,
      'mutation { rejectStation(identity: "MGT-REJECT") { bootTrigger station { registrationStatus } } }',
      {},
      tokens.operatorA,
    );
    expect(result.data).toEqual({ rejectStation: { bootTrigger: null, station: { registrationStatus: 'Rejected' } } });
  });

  const rotate = 'mutation($id: String!) { rotateStationPassword(identity: $id) { ocppPassword pushed confirmed } }';
  type Rotated = { rotateStationPassword: { ocppPassword: string; pushed: boolean; confirmed: boolean } };

  it('gives a connected station its new password (hex AuthorizationKey) before storing it', async () => {
    const old = await station('MGT-ROTATE');
    const keys: Array<Record<string, unknown>> = [];
    const charger = await connectCharger(
      system,
      { identity: 'MGT-ROTATE', password: old },
      {
        handlers: {
          ChangeConfiguration: (params) => {
            keys.push(params);
            return { status: 'Accepted' };
          },
        },
      },
    );
    const result = await gql<Rotated>(system, rotate, { id: 'MGT-ROTATE' }, tokens.operatorA);
    const fresh = result.data?.rotateStationPassword.ocppPassword as string;
    expect(result.data?.rotateStationPassword.pushed).toBe(true);
    expect(result.data?.rotateStationPassword.confirmed).toBe(true);
    expect(keys).toEqual([{ key: 'AuthorizationKey', value: Buffer.from(fresh).toString('hex') }]);
    expect([await admits('MGT-ROTATE', fresh), await admits('MGT-ROTATE', old)]).toEqual([true, false]);
    const stored = await gql(system, '{ station(identity: "MGT-ROTATE") { configuration { key value } } }', {}, tokens.operatorA);
    expect(stored.data).toEqual({ station: { configuration: [{ key: 'AuthorizationKey', value: '(set)' }] } });
    await charger.close();
  });

  it('keeps the old password when the station refuses the new one', async () => {
    const old = await station('MGT-REFUSE');
    const charger = await connectCharger(
      system,
      { identity: 'MGT-REFUSE', password: old },
      {
        handlers: { ChangeConfiguration: () => ({ status: 'Rejected' }) },
      },
    );
    expect(errorCode(await gql(system, rotate, { id: 'MGT-REFUSE' }, tokens.operatorA))).toBe('STATION_REJECTED');
    expect(await admits('MGT-REFUSE', old)).toBe(true);
    await charger.close();
  });

  it('rotates at once the password of a station that is not connected', async () => {
    const old = await station('MGT-OFFLINE');
    const result = await gql<Rotated>(system, rotate, { id: 'MGT-OFFLINE' }, tokens.operatorA);
    expect(result.data?.rotateStationPassword.pushed).toBe(false);
    expect([
      await admits('MGT-OFFLINE', result.data?.rotateStationPassword.ocppPassword as string),
      await admits('MGT-OFFLINE', old),
    ]).toEqual([true, false]);
  });
});
