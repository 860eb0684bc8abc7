import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aStationAt, aTagOf, twoOrganisations } from '../test/api-data.js';
import { errorCode, gql } from '../test/api.js';
import { sql } from '../test/builders.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

describe("stations' health", () => {
  let system: TestSystem;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Health Alpha', 'Health Beta']);
    tokens = world.tokens;
    const [healthy, faulted, flaky] = [
      await aStationAt(system, world.orgA.siteId, 'HEALTH-OK'),
      await aStationAt(system, world.orgA.siteId, 'HEALTH-FAULTED'),
      await aStationAt(system, world.orgA.siteId, 'HEALTH-FLAKY'),
    ];
    const alert = (stationId: string, severity: string, cause: string, state = 'open') =>
      sql(
        system,
        `insert into alert (id, organisation_id, station_id, kind, cause_key, severity, state, message, raised_at)
         values (gen_random_uuid(), ?, ?, 'connector-faulted', ?, ?, ?, 'x', now())`,
        [world.orgA.organisationId, stationId, cause, severity, state],
      );
    await alert(faulted.id, 'major', 'connector:1');
    await alert(faulted.id, 'critical', 'connector:2');
    await alert(faulted.id, 'major', 'connector:3', 'resolved');
    await alert(flaky.id, 'minor', 'connector:1');
    // Of the flaky station's four sessions this week, two delivered nothing: 20 × 2/4 = 10 off.
    const tag = await aTagOf(system, null);
    for (const [n, meterStopWh] of [5000, 1000, 7000, 1000].entries())
      await aSession(system, flaky, tag, {
        connectorId: n + 1,
        startedAt: new Date(Date.now() - (n + 2) * 3_600_000),
        meterStartWh: 1000,
        stop: { meterStopWh, at: new Date(Date.now() - (n + 1) * 3_600_000) },
      });
    await aSession(system, healthy, tag, { startedAt: new Date(Date.now() - 3_600_000), stop: { meterStopWh: 9000 } });
  });
  afterAll(() => system?.close());

  it('are 100 less open alerts by severity and failed sessions, and order the worst first', async () => {
    const result = await gql<{ stations: { nodes: { identity: string; health: number }[] } }>(
      system,
      '{ stations(first: 10, orderBy: { field: HEALTH, direction: ASC }) { nodes { identity health } } }',
      {},
      tokens.operatorA,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.stations.nodes).toEqual([
      { identity: 'HEALTH-FAULTED', health: 35 },
      { identity: 'HEALTH-FLAKY', health: 80 },
      { identity: 'HEALTH-OK', health: 100 },
    ]);
  });

  it('are not shown to drivers', async () => {
    const result = await gql(system, '{ stations(first: 10) { nodes { identity health } } }', {}, tokens.driver);
    expect(errorCode(result)).toBe('FORBIDDEN');
  });
});
