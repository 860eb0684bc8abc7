import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../schema/entities/index.js';
import { fleetIdentity } from '../simulator/fleet.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { demo, seedDemo } from './demo.js';

describe('the demo', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
  });
  afterAll(async () => system?.close());

  it('seeds the simulated stations and one spare station that no simulated charger plays', async () => {
    const { orm, stations } = system.deps;
    expect(await seedDemo(orm, stations, 'admin@evcms.local', undefined)).toBe(true);
    const identities = (await orm.em.fork().find(Station, {}, { orderBy: { identity: 'asc' } })).map((s) => s.identity);
    expect(identities).toEqual([...demo.stations.map((s) => s.identity), demo.spare.identity].sort());
    // npm start's fleet plays DEMO-CP-001..N; the spare is outside that range, so a person trying it takes nobody's socket.
    const simulated = demo.stations.map((_, i) => fleetIdentity('DEMO-CP-', i + 1));
    expect(simulated).not.toContain(demo.spare.identity);
    expect(await seedDemo(orm, stations, 'admin@evcms.local', undefined)).toBe(false);
  });
});
