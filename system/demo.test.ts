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
    const { orm } = system.deps;
    expect(await seedDemo(orm, system.deps, 'admin@evcms.local', undefined)).toBe(true);
    const identities = (await orm.em.fork().find(Station, {}, { orderBy: { identity: 'asc' } })).map((s) => s.identity);
    expect(identities).toEqual([...demo.stations.map((s) => s.identity), demo.spare.identity].sort());
    // npm start's fleet plays DEMO-CP-001..N; the spare is outside that range, so a person trying it takes nobody's socket.
    const simulated = demo.stations.map((_, i) => fleetIdentity('DEMO-CP-', i + 1));
    expect(simulated).not.toContain(demo.spare.identity);
    expect(await seedDemo(orm, system.deps, 'admin@evcms.local', undefined)).toBe(false);
  });

  it('seeds a time-of-day RWF tariff in force for every station of the demo organisation', async () => {
    const { tariffs } = system.deps;
    const [station] = await system.deps.orm.em.fork().find(Station, { identity: demo.stations[0]?.identity });
    const version = await tariffs.resolve({ stationId: station?.id as string, connectorId: 1, idTokenId: null, at: new Date() });
    expect(version?.definition.currency).toBe('RWF');
    expect(version?.definition.elements.length).toBe(3);
  });

  it("funds the demo driver's wallet and takes their plan's first fee from it, so the demo's sessions are billed and paid", async () => {
    const rows = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ balance_minor: string }[]>(
        `select a.balance_minor from ledger_account a join app_user u on u.id = a.owner_id where u.email = ?`,
        [demo.driver.email],
      );
    expect(rows).toEqual([{ balance_minor: String(demo.walletMinor - demo.plan.feeMinor) }]);
  });

  it('subscribes the demo driver to a plan whose included energy is less than a session uses', async () => {
    const [subscription] = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ status: string; included_wh: string; paid_at: Date | null }[]>(
        `select s.status, u.included_wh, u.paid_at from plan_subscription s join app_user d on d.id = s.user_id
           join plan_usage u on u.subscription_id = s.id where d.email = ?`,
        [demo.driver.email],
      );
    expect(subscription).toMatchObject({ status: 'active', included_wh: '2000' });
    expect(subscription?.paid_at).not.toBeNull();
  });
});
