import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser } from '../../test/api.js';
import { aTagOf } from '../../test/api-data.js';
import { aBillingOperator, type BillingOperator } from '../../test/billing.js';
import { sessionRow, sql, startSession } from '../../test/builders.js';
import { eventually, startTestSystem, type TestSystem } from '../../test/system.js';

// The operator charges 250 RWF per kWh, VAT included, and asks drivers to hold 1000 RWF in their wallet.
describe("a driver's plan, against a strict OCPP 1.6 charger", () => {
  let system: TestSystem;
  let operator: BillingOperator;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
    operator = await aBillingOperator(system, { walletMinimumMinor: 1000, label: 'PLAN' });
  });
  afterAll(async () => {
    await operator?.charger.close();
    await system?.close();
  });

  /** A session of `wh` Wh that ended a minute after it started; its running cost just before billing, and its bill. */
  async function charge(idTag: string, wh: number) {
    const { transactionId, idTagInfo } = await startSession(operator.charger, {
      idTag,
      meterStart: 0,
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(idTagInfo.status).toBe('Accepted');
    await operator.charger.call('StopTransaction', { transactionId, meterStop: wh, timestamp: new Date().toISOString() });
    const session = await sessionRow(system, transactionId);
    const running = await system.deps.billing.priceOf(session.id);
    const bill = await system.deps.billing.bill(session.id);
    if (bill.kind !== 'billed') throw new Error(`not billed: ${bill.kind} ${bill.reason}`);
    const after = await system.deps.billing.priceOf(session.id);
    return { session, running: running?.priced, bill, after: after?.priced };
  }

  it('uses the included energy first, shows it on the bill, keeps the running cost equal to the bill, and holds to its limits', async () => {
    const plan = await system.deps.plans.catalogue.create(operator.organisationId, {
      name: 'Commuter',
      interval: 'month',
      currency: 'RWF',
      feeMinor: 3000,
      taxes: [{ type: 'VAT', ratePercent: '18' }],
      includedEnergyWh: 5000,
      maxSessionsPerDay: 2,
    });
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    await operator.credit(driver.id, 3500);
    // Taken ten minutes ago: the sessions below start within its first period (a session before it is not covered).
    await system.deps.plans.subscriptions.subscribe(driver.id, plan.id, new Date(Date.now() - 600_000));

    // 500 RWF left, under the operator's minimum of 1000: the plan pays, so the driver may charge.
    expect(await operator.charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Accepted' } });

    // 4 kWh, 1000 RWF, all of it within the plan: an invoice of 0, paid, showing what the plan covered.
    const first = await charge(tag.value, 4000);
    expect(first.bill.invoice.inclTaxMinor).toBe(0);
    expect(first.bill.paid).toBe(true);
    expect(first.running?.totals.inclTaxMinor).toBe(0);
    expect(first.after?.totals.inclTaxMinor).toBe(0);
    const [invoice] = await sql<{ status: string; priced: { plan: Record<string, unknown>; adjustments: { reason: string }[] } }>(
      system,
      `select status, priced from invoice where session_id = ? and kind = 'invoice'`,
      [first.session.id],
    );
    expect(invoice?.status).toBe('paid');
    expect(invoice?.priced.plan).toMatchObject({ name: 'Commuter', energyWh: 4000, energyLeftWh: 5000, energyMinor: 1000 });
    expect(invoice?.priced.adjustments.map((a) => a.reason)).toEqual(['plan-included-energy']);

    // 3 kWh, 750 RWF: the last 1 kWh of the plan pays 250, the wallet the rest.
    await operator.credit(driver.id, 5000);
    const second = await charge(tag.value, 3000);
    expect(second.bill.invoice.inclTaxMinor).toBe(500);
    expect(second.bill.paid).toBe(true);
    expect(second.running?.totals.inclTaxMinor).toBe(500);
    expect(second.after?.totals.inclTaxMinor).toBe(500);
    expect((await system.deps.ledger.wallet(operator.organisationId, driver.id, 'RWF')).balanceMinor).toBe(500 + 5000 - 500);
    const [usage] = await sql<{ used_wh: string }>(
      system,
      'select used_wh from plan_usage u join plan_subscription s on s.id = u.subscription_id where s.user_id = ?',
      [driver.id],
    );
    expect(usage?.used_wh).toBe('5000');

    // Two sessions a day: a third is refused, and the audit says why.
    expect(await operator.charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Blocked' } });
    await system.deps.authDecisions.flush();
    const [decision] = await sql<{ reason: string }>(
      system,
      'select reason from auth_decision where id_tag = ? order by decided_at desc limit 1',
      [tag.value],
    );
    expect(decision?.reason).toBe('plan "Commuter" allows 2 session(s) a day; 2 started today');
    expect(operator.charger.violations).toEqual([]);
  });
});

describe("a plan's power limit, against a strict OCPP 1.6 charger", () => {
  let system: TestSystem;
  let operator: BillingOperator;
  const profiles: Record<string, unknown>[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'workers'] });
    operator = await aBillingOperator(system, {
      label: 'PLANKW',
      handlers: {
        SetChargingProfile: (params) => {
          profiles.push(params);
          return { status: 'Accepted' };
        },
      },
    });
  });
  afterAll(async () => {
    await operator?.charger.close();
    await system?.close();
  });

  it("is sent to the charger as a TxProfile of the session's transaction once it started", async () => {
    const plan = await system.deps.plans.catalogue.create(operator.organisationId, {
      name: 'Slow and cheap',
      interval: 'month',
      currency: 'RWF',
      feeMinor: 0,
      maxPowerW: 7400,
    });
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    await system.deps.plans.subscriptions.subscribe(driver.id, plan.id, new Date(Date.now() - 600_000));
    const { transactionId } = await startSession(operator.charger, {
      idTag: tag.value,
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    const [profile] = await eventually(() => profiles.length > 0 && profiles, 10_000);
    expect(profile).toEqual({
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: transactionId,
        transactionId,
        stackLevel: 0,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
      },
    });
    expect(operator.charger.violations).toEqual([]);
  });
});
