import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarehouseSample } from '../../warehouse/meter-series.js';
import { aPartnerKey, anOrganisation, errorCode, gql } from '../../test/api.js';
import { aSession, aStationAt, aTagOf, twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('sessions in the API', () => {
  let system: TestSystem;
  let orgA: Awaited<ReturnType<typeof anOrganisation>>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const ocppIds: Record<string, string> = {};
  let driverId: string;
  const t0 = new Date(Date.UTC(2026, 5, 1, 8, 0, 0));
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Session Alpha', 'Session Beta']);
    Object.assign(tokens, world.tokens);
    orgA = world.orgA;
    const { orgB } = world;
    const driver = world.users.driver;
    driverId = driver.id;
    tokens.driver = driver.token;
    tokens.partnerA = await aPartnerKey(system, orgA.organisationId, ['sessions:read']);
    tokens.partnerNoScope = await aPartnerKey(system, orgA.organisationId, ['stations:read']);
    const a1 = await aStationAt(system, orgA.siteId, 'SESS-A1');
    const b1 = await aStationAt(system, orgB.siteId, 'SESS-B1');
    const driverTag = await aTagOf(system, driver.id);
    const otherTag = await aTagOf(system, null);
    const hour = 3_600_000;
    ({ id: ids.driverDone, transactionId: ocppIds.driverDone } = await aSession(system, a1, driverTag, {
      startedAt: t0,
      meterStartWh: 1000,
      stop: { meterStopWh: 13_000, reason: 'EVDisconnected' },
    }));
    ({ id: ids.otherDone, transactionId: ocppIds.otherDone } = await aSession(system, a1, otherTag, {
      connectorId: 2,
      startedAt: new Date(t0.getTime() + hour),
      stop: { meterStopWh: 6000 },
    }));
    ({ id: ids.driverAtB, transactionId: ocppIds.driverAtB } = await aSession(system, b1, driverTag, {
      startedAt: new Date(t0.getTime() + 2 * hour),
    }));
    ({ id: ids.otherActive, transactionId: ocppIds.otherActive } = await aSession(system, a1, otherTag, {
      startedAt: new Date(t0.getTime() + 3 * hour),
    }));
    await system.deps.anomalies.record(
      a1.id,
      'meter-not-a-number',
      { detail: 'x' },
      { sessionId: ids.driverDone, transactionId: ocppIds.driverDone },
    );
  });
  afterAll(() => system?.close());

  const list = `query($filter: SessionFilter, $orderBy: SessionOrder, $first: Int) {
    sessions(filter: $filter, orderBy: $orderBy, first: $first) { totalCount nodes { id } } }`;
  const listed = async (who: string, variables: Record<string, unknown> = {}) => {
    const result = await gql<{ sessions: { nodes: { id: string }[] } }>(system, list, variables, tokens[who]);
    expect(result.errors).toBeUndefined();
    return result.data?.sessions.nodes.map((n) => n.id);
  };

  it("shows staff and partners the sessions at their organisation's stations, newest first, and drivers their own", async () => {
    expect(await listed('operatorA')).toEqual([ids.otherActive, ids.otherDone, ids.driverDone]);
    expect(await listed('partnerA')).toEqual([ids.otherActive, ids.otherDone, ids.driverDone]);
    expect(await listed('operatorB')).toEqual([ids.driverAtB]);
    expect(await listed('driver')).toEqual([ids.driverAtB, ids.driverDone]);
    expect(await listed('admin')).toEqual([ids.otherActive, ids.driverAtB, ids.otherDone, ids.driverDone]);
    expect(errorCode(await gql(system, list, {}, tokens.partnerNoScope))).toBe('FORBIDDEN');
  });

  it('filters by station, site, driver, state and start time, and orders by energy', async () => {
    expect(await listed('admin', { filter: { stationIdentity: 'SESS-B1' } })).toEqual([ids.driverAtB]);
    expect(await listed('admin', { filter: { siteId: orgA.siteId, state: 'Completed' } })).toEqual([ids.otherDone, ids.driverDone]);
    expect(await listed('admin', { filter: { driverId } })).toEqual([ids.driverAtB, ids.driverDone]);
    const window = { from: new Date(t0.getTime() + 1).toISOString(), to: new Date(t0.getTime() + 2.5 * 3_600_000).toISOString() };
    expect(await listed('admin', { filter: window })).toEqual([ids.driverAtB, ids.otherDone]);
    expect(await listed('operatorA', { filter: { state: 'Completed' }, orderBy: { field: 'ENERGY', direction: 'DESC' } })).toEqual([
      ids.driverDone,
      ids.otherDone,
    ]);
  });

  const one = `query($id: ID!) { session(id: $id) {
    id ocppTransactionId evseId credential { value type } stationIdentity state energyWh meterStartWh meterStopWh stopReason durationSeconds flags cost { amountMinor } station { identity } } }`;

  it('tells the energy, duration and stop reason of a session, and no cost yet', async () => {
    const result = await gql(system, one, { id: ids.driverDone }, tokens.driver);
    expect(result.data).toEqual({
      session: {
        id: ids.driverDone,
        ocppTransactionId: ocppIds.driverDone,
        evseId: 1,
        credential: { value: expect.stringMatching(/^T/), type: 'ISO14443' },
        stationIdentity: 'SESS-A1',
        state: 'Completed',
        energyWh: 12_000,
        meterStartWh: 1000,
        meterStopWh: 13_000,
        stopReason: 'EVDisconnected',
        durationSeconds: 3600,
        flags: [],
        cost: null,
        station: { identity: 'SESS-A1' },
      },
    });
  });

  it("reads someone else's session as not found", async () => {
    expect(errorCode(await gql(system, one, { id: ids.otherDone }, tokens.driver))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, one, { id: ids.driverDone }, tokens.operatorB))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, one, { id: 'abc' }, tokens.admin))).toBe('NOT_FOUND');
  });

  it("shows a session's anomalies to staff, not to its driver", async () => {
    const query = 'query($id: ID!) { session(id: $id) { anomalies { kind sessionId ocppTransactionId } } }';
    const staff = await gql(system, query, { id: ids.driverDone }, tokens.operatorA);
    expect(staff.data).toEqual({
      session: { anomalies: [{ kind: 'meter-not-a-number', sessionId: ids.driverDone, ocppTransactionId: ocppIds.driverDone }] },
    });
    expect(errorCode(await gql(system, query, { id: ids.driverDone }, tokens.driver))).toBe('FORBIDDEN');
  });

  it('reads meter values from the warehouse, one point per bucket, replayed rows counted once', async () => {
    const sample = (id: string, secondsIn: number, measurand: string, unit: string, value: number): WarehouseSample => ({
      sample_id: id,
      station: 'SESS-A1',
      connector_id: 1,
      session_id: ids.driverDone as string,
      transaction_id: ocppIds.driverDone as string,
      ts: new Date(t0.getTime() + secondsIn * 1000).toISOString(),
      received_at: new Date().toISOString(),
      measurand,
      phase: '',
      location: 'Outlet',
      context: 'Sample.Periodic',
      unit,
      value,
      source: 'MeterValues',
    });
    const rows = [
      sample('e1', 10, 'Energy.Active.Import.Register', 'Wh', 1100),
      sample('e2', 50, 'Energy.Active.Import.Register', 'Wh', 1500),
      sample('e3', 70, 'Energy.Active.Import.Register', 'Wh', 1800),
      sample('p1', 10, 'Power.Active.Import', 'W', 7000),
      sample('p2', 50, 'Power.Active.Import', 'W', 9000),
    ];
    const { warehouse } = system.deps;
    const insert = (values: WarehouseSample[]) =>
      warehouse.client.insert({
        table: warehouse.table('meter_values'),
        values,
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      });
    await insert(rows);
    await insert(rows.slice(0, 2)); // a replayed batch
    const query = `query($id: ID!, $m: String!) { session(id: $id) {
      energy: meterValues { at value unit } power: meterValues(measurand: $m, resolutionSeconds: 3600) { at value unit } } }`;
    const result = await gql(system, query, { id: ids.driverDone, m: 'Power.Active.Import' }, tokens.driver);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      session: {
        energy: [
          { at: t0.toISOString(), value: 1500, unit: 'Wh' },
          { at: new Date(t0.getTime() + 60_000).toISOString(), value: 1800, unit: 'Wh' },
        ],
        power: [{ at: t0.toISOString(), value: 8000, unit: 'W' }],
      },
    });
  });

  it('refuses a resolution out of range', async () => {
    const query = 'query($id: ID!) { session(id: $id) { meterValues(resolutionSeconds: 0) { value } } }';
    expect(errorCode(await gql(system, query, { id: ids.driverDone }, tokens.admin))).toBe('BAD_USER_INPUT');
  });
});
