import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation } from '../test/api.js';
import { sql } from '../test/builders.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { Fleet, fleetIdentity } from './fleet.js';

describe('a fleet with a fault drill', () => {
  let system: TestSystem;
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'] });
  });
  afterAll(async () => {
    await fleet?.stop();
    await system?.close();
  });

  it("faults the last charger's last connector when its time comes, and the alert is raised", async () => {
    const org = await anOrganisation(system);
    const prefix = `FD-${process.pid}-`;
    const password = 'fault-drill-secret-0001';
    for (const n of [1, 2]) {
      const { station } = await system.deps.stations.create({ identity: fleetIdentity(prefix, n), siteId: org.siteId });
      await system.deps.stations.rotatePassword(station.id, password);
    }
    fleet = new Fleet({
      url: system.ocppUrl.replace(/\/$/, ''),
      stations: 2,
      prefix,
      password,
      connectors: 2,
      meterIntervalMs: 10_000,
      powerW: 11_000,
      sessions: false,
      idTags: [],
      sessionMs: 60_000,
      chaos: false,
      faultDrill: { firstMs: 0, forMs: 600_000, everyMs: 900_000 },
      log: () => {},
    });
    expect(await fleet.start()).toBe(2);
    const alert = await eventually(async () => {
      const [row] = await sql<{ identity: string; cause_key: string; message: string }>(
        system,
        `select s.identity, a.cause_key, a.message from alert a join station s on s.id = a.station_id
         where s.identity like ? and a.state = 'open'`,
        [`${prefix}%`],
      );
      return row;
    }, 10_000);
    expect(alert).toEqual({
      identity: fleetIdentity(prefix, 2),
      cause_key: 'connector:2',
      message: 'connector 2 faulted: ConnectorLockFailure',
    });
  });
});
