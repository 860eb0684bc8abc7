import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, connectCharger } from '../test/chargers.js';
import { startTcpProxy, type TcpProxy } from '../test/faults/tcp-proxy.js';
import { isOnline } from '../test/raw-charger.js';
import { eventually, startTestSystem, type TestSystem, uniqueName } from '../test/system.js';

// A presence change PostgreSQL could not take (away for a moment, or its pool timed out in a storm of connects)
// is tried again: the station's row ends up saying what its socket did.

describe('station presence while PostgreSQL is away for a moment', () => {
  let proxy: TcpProxy;
  let system: TestSystem;
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const url = proxy.via(`postgres://postgres@127.0.0.1:5432/${uniqueName('evcms_test')}`);
    system = await startTestSystem({ roles: ['ocpp'], env: { DATABASE_URL: url } });
  });
  afterAll(async () => {
    proxy?.restore();
    await system?.close();
    await proxy?.close();
  });

  it('marks a station that left during the outage offline once PostgreSQL is back', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station);
    await eventually(() => isOnline(system, station.identity));
    proxy.cut('refused');
    await charger.close();
    // The offline write fails meanwhile, and is tried again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.restore();
    await eventually(async () => !(await isOnline(system, station.identity).catch(() => true)), 20_000);
    expect(await isOnline(system, station.identity)).toBe(false);
  });
});
