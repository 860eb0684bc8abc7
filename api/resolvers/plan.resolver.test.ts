import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, gql } from '../../test/api.js';
import { twoOrganisations } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

describe('plans in the API', () => {
  let system: TestSystem;
  let world: Awaited<ReturnType<typeof twoOrganisations>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    world = await twoOrganisations(system, ['Plan Alpha', 'Plan Beta']);
    await system.deps.ledger.creditWallet({
      organisationId: world.orgA.organisationId,
      userId: world.users.driver.id,
      currency: 'RWF',
      amountMinor: 10_000,
      actor: null,
      reason: 'test',
      idempotencyKey: `plan-api-${world.users.driver.id}`,
    });
  });
  afterAll(() => system?.close());

  const createPlan = `mutation($input: CreatePlanInput!) { createPlan(input: $input) { id name feeMinor taxes { type ratePercent } } }`;
  const aPlanInput = (overrides: Record<string, unknown> = {}) => ({
    name: 'Commuter',
    interval: 'month',
    currency: 'RWF',
    feeMinor: 3000,
    taxes: [{ type: 'VAT', ratePercent: '18' }],
    includedEnergyWh: 4000,
    ...overrides,
  });

  it('names the field of a plan it refuses', async () => {
    for (const [input, field] of [
      [aPlanInput({ interval: 'week' }), 'interval'],
      [aPlanInput({ currency: 'XXX' }), 'currency'],
      [aPlanInput({ discountPercent: '150' }), 'discountPercent'],
      [aPlanInput({ taxes: [{ type: 'VAT', ratePercent: 'lots' }] }), 'taxes.0.ratePercent'],
      [aPlanInput({ siteIds: [world.orgB.siteId] }), 'siteIds'],
    ] as const) {
      const result = await gql(system, createPlan, { input }, world.tokens.operatorA);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect((result.errors?.[0]?.extensions as { field?: string } | undefined)?.field).toBe(field);
    }
  });

  it('lets a driver subscribe, see the energy left, change plan and cancel, all through the API', async () => {
    const small = await gql<{ createPlan: { id: string } }>(system, createPlan, { input: aPlanInput() }, world.tokens.operatorA);
    const large = await gql<{ createPlan: { id: string } }>(
      system,
      createPlan,
      { input: aPlanInput({ name: 'Large', feeMinor: 3000, includedEnergyWh: 8000 }) },
      world.tokens.operatorA,
    );
    const driver = world.tokens.driver;
    const listed = await gql<{ plans: { name: string }[] }>(system, '{ plans { name } }', {}, driver);
    expect(listed.data?.plans.map((p) => p.name).sort()).toEqual(['Commuter', 'Large']);
    const subscribed = await gql<{ subscribeToPlan: { id: string; status: string; energyLeftWh: number; paid: boolean } }>(
      system,
      'mutation($id: ID!) { subscribeToPlan(planId: $id) { id status energyLeftWh paid } }',
      { id: small.data?.createPlan.id },
      driver,
    );
    expect(subscribed.data?.subscribeToPlan).toMatchObject({ status: 'active', energyLeftWh: 4000, paid: true });
    const again = await gql(
      system,
      'mutation($id: ID!) { subscribeToPlan(planId: $id) { id } }',
      { id: large.data?.createPlan.id },
      driver,
    );
    expect(errorCode(again)).toBe('CONFLICT');
    // Same fee, more energy: nothing to pay, the energy for the time left is the new plan's.
    const changed = await gql<{ changePlan: { planId: string; energyLeftWh: number } }>(
      system,
      'mutation($id: ID!) { changePlan(planId: $id) { planId energyLeftWh } }',
      { id: large.data?.createPlan.id },
      driver,
    );
    expect(changed.data?.changePlan.planId).toBe(large.data?.createPlan.id);
    expect(changed.data?.changePlan.energyLeftWh).toBeGreaterThan(7990);
    const id = subscribed.data?.subscribeToPlan.id;
    const cancelled = await gql<{ cancelPlan: { cancelAtPeriodEnd: boolean; status: string } }>(
      system,
      'mutation($id: ID!) { cancelPlan(subscriptionId: $id) { cancelAtPeriodEnd status } }',
      { id },
      driver,
    );
    expect(cancelled.data?.cancelPlan).toEqual({ cancelAtPeriodEnd: true, status: 'active' });
    const mine = await gql<{ mySubscriptions: { id: string }[] }>(system, '{ mySubscriptions { id } }', {}, driver);
    expect(mine.data?.mySubscriptions.map((s) => s.id)).toEqual([id]);
    const seen = await gql<{ planSubscriptions: { id: string }[] }>(system, '{ planSubscriptions { id } }', {}, world.tokens.operatorB);
    expect(seen.data?.planSubscriptions).toEqual([]);
  });
});
