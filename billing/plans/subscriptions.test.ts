import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation } from '../../test/api.js';
import { aTagOf } from '../../test/api-data.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import type { PlanInput } from './validation.js';
import { addIntervals, renewalJobId } from './periods.js';
import { openPeriod, periodRow } from './periods-store.js';
import { moveWalletMoney } from './postings.js';
import { feeKey } from './subscriptions.js';

const day = 86_400_000;
const commuter: PlanInput = {
  name: 'Commuter',
  interval: 'month',
  currency: 'RWF',
  feeMinor: 3000,
  taxes: [{ type: 'VAT', ratePercent: '18' }],
  includedEnergyWh: 3000,
};

describe('subscriptions to plans, against PostgreSQL', () => {
  let system: TestSystem;
  let organisationId: string;
  let siteId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['workers'] });
    ({ organisationId, siteId } = await anOrganisation(system));
  });
  afterAll(() => system?.close());

  const sql = <T>(query: string, params: unknown[] = []) => system.deps.orm.em.fork().execute(query, params) as Promise<T[]>;
  const aPlan = (overrides: Partial<PlanInput> = {}) => system.deps.plans.catalogue.create(organisationId, { ...commuter, ...overrides });
  const aDriverWith = async (walletMinor: number) => {
    const driver = await aUser(system, 'DRIVER');
    if (walletMinor > 0) {
      await system.deps.ledger.creditWallet({
        organisationId,
        userId: driver.id,
        currency: 'RWF',
        amountMinor: walletMinor,
        actor: null,
        reason: 'test',
        idempotencyKey: `plans-test-${driver.id}-${walletMinor}`,
      });
    }
    return driver;
  };
  const balance = async (userId: string) => (await system.deps.ledger.wallet(organisationId, userId, 'RWF')).balanceMinor;
  const postings = (subscriptionId: string) =>
    sql<{ kind: string; idempotency_key: string }>(
      'select kind, idempotency_key from ledger_transaction where reference = ? order by created_at',
      [subscriptionId],
    );
  const feeInvoices = (userId: string) =>
    sql('select status, session_id, tax_minor, incl_tax_minor from invoice where payer_user_id = ? order by issued_at', [userId]);
  const status = async (subscriptionId: string) =>
    (await sql<{ status: string }>('select status from plan_subscription where id = ?', [subscriptionId]))[0]?.status;

  it("takes the first period's fee at once, its tax into tax payable, and allows one live subscription per operator", async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(10_000);
    const id = await system.deps.plans.subscriptions.subscribe(driver.id, plan.id);
    expect(await balance(driver.id)).toBe(7000);
    // 3000 RWF with VAT 18% in it: 2542 revenue, 458 tax.
    const entries = await sql<{ kind: string; amount_minor: string }>(
      `select a.kind, e.amount_minor from ledger_entry e join ledger_account a on a.id = e.account_id
         join ledger_transaction t on t.id = e.transaction_id where t.reference = ? order by a.kind`,
      [id],
    );
    expect(entries).toEqual([
      { kind: 'revenue', amount_minor: '2542' },
      { kind: 'tax_payable', amount_minor: '458' },
      { kind: 'wallet', amount_minor: '-3000' },
    ]);
    expect(await status(id)).toBe('active');
    // The fee's own invoice, issued paid, with no session.
    expect(await feeInvoices(driver.id)).toEqual([{ status: 'paid', session_id: null, tax_minor: '458', incl_tax_minor: '3000' }]);
    await expect(system.deps.plans.subscriptions.subscribe(driver.id, (await aPlan()).id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a driver whose wallet cannot pay the first fee, and keeps nothing live', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(1000);
    await expect(system.deps.plans.subscriptions.subscribe(driver.id, plan.id)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await balance(driver.id)).toBe(1000);
    const rows = await sql<{ status: string }>('select status from plan_subscription where user_id = ?', [driver.id]);
    expect(rows).toEqual([{ status: 'ended' }]);
  });

  it('renews once per period, however many renewals run at once', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(10_000);
    const id = await system.deps.plans.subscriptions.subscribe(driver.id, plan.id, new Date(Date.now() - 31 * day));
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => system.deps.plans.subscriptions.renew(id)));
    expect(outcomes).toEqual(['active', 'active', 'active', 'active']);
    expect((await postings(id)).map((p) => p.kind)).toEqual(['plan-fee', 'plan-fee']);
    expect(await balance(driver.id)).toBe(4000);
    expect(await feeInvoices(driver.id)).toHaveLength(2);
    const period = await periodRow(system.deps.orm, id);
    expect(period).toMatchObject({ period_index: 1, included_wh: '3000', used_wh: '0' });
    expect(period?.paid_at).not.toBeNull();
    expect(await system.deps.plans.subscriptions.renew(id)).toBe('active');
    expect(await balance(driver.id)).toBe(4000);
  });

  it('finishes a renewal that crashed after taking the fee and before recording it, without taking it again', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(10_000);
    const { subscriptions } = system.deps.plans;
    const id = await subscriptions.subscribe(driver.id, plan.id, new Date(Date.now() - 31 * day));
    // What a renewal had done when it crashed: the next period opened, its fee posted, the payment not recorded.
    const [subscription] = await sql<{ anchor_at: Date }>('select anchor_at from plan_subscription where id = ?', [id]);
    const terms = { id: plan.id, interval: 'month' as const, fee_minor: '3000', taxes: commuter.taxes ?? [], included_energy_wh: '3000' };
    await system.deps.orm.em
      .fork()
      .transactional((em) => openPeriod(em, { id, anchor_at: new Date(subscription?.anchor_at as Date) }, terms, 1));
    const opened = await periodRow(system.deps.orm, id);
    await moveWalletMoney(system.deps.ledger, {
      organisationId,
      userId: driver.id,
      currency: 'RWF',
      kind: 'plan-fee',
      idempotencyKey: feeKey(id, opened?.period_start as Date),
      reference: id,
      description: `plan fee, period from ${opened?.period_start.toISOString()}`,
      inclMinor: 3000,
      taxMinor: 458,
    });
    expect(await balance(driver.id)).toBe(4000);
    expect(opened?.paid_at).toBeNull();
    // The sweep finds it and runs the renewal again.
    expect((await subscriptions.due(new Date(), new Date())).map((d) => d.id)).toContain(id);
    expect(await subscriptions.renew(id)).toBe('active');
    expect(await balance(driver.id)).toBe(4000);
    expect((await postings(id)).map((p) => p.kind)).toEqual(['plan-fee', 'plan-fee']);
    expect((await periodRow(system.deps.orm, id))?.paid_at).not.toBeNull();
  });

  it('leaves a period unpaid and past due while the wallet cannot pay, and collects it once topped up', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(3000);
    const { subscriptions } = system.deps.plans;
    const id = await subscriptions.subscribe(driver.id, plan.id, new Date(Date.now() - 31 * day));
    expect(await subscriptions.renew(id)).toBe('past_due');
    expect(await status(id)).toBe('past_due');
    expect((await periodRow(system.deps.orm, id))?.paid_at).toBeNull();
    await system.deps.ledger.creditWallet({
      organisationId,
      userId: driver.id,
      currency: 'RWF',
      amountMinor: 5000,
      actor: null,
      reason: 'top-up',
      idempotencyKey: `top-up-${id}`,
    });
    expect(await subscriptions.renew(id)).toBe('active');
    expect(await balance(driver.id)).toBe(2000);
  });

  it('ends a cancelled subscription when its period ends, without a fee, and covers until then', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(10_000);
    const { subscriptions } = system.deps.plans;
    const started = new Date(Date.now() - 31 * day);
    const id = await subscriptions.subscribe(driver.id, plan.id, started);
    await subscriptions.cancel(id, new Date(started.getTime() + day));
    expect(await status(id)).toBe('active');
    expect(await subscriptions.renew(id)).toBe('ended');
    expect(await balance(driver.id)).toBe(7000);
    expect((await postings(id)).map((p) => p.kind)).toEqual(['plan-fee']);
    await expect(subscriptions.cancel(id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("changes plan prorated to the second: the time left's fee swapped, the energy with it, once", async () => {
    const small = await aPlan();
    const large = await aPlan({ name: 'Large', feeMinor: 6000, includedEnergyWh: 9000 });
    const driver = await aDriverWith(20_000);
    const { subscriptions } = system.deps.plans;
    const now = new Date();
    const id = await subscriptions.subscribe(driver.id, small.id, now);
    const period = await periodRow(system.deps.orm, id);
    const half = new Date((period?.period_start.getTime() as number) / 2 + (period?.period_end.getTime() as number) / 2);
    await subscriptions.change(id, large.id, half);
    // Half a period: 1500 back, 3000 charged.
    expect(await balance(driver.id)).toBe(20_000 - 3000 - 1500);
    const changed = await periodRow(system.deps.orm, id);
    expect(changed).toMatchObject({ plan_id: large.id, included_wh: String(1500 + 4500), fee_minor: '6000', changes: 1 });
    expect(changed?.pending_change).toBeNull();
    await expect(subscriptions.change(id, large.id, half)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await postings(id)).map((p) => p.kind)).toEqual(['plan-fee', 'plan-change']);
  });

  it('refuses a change the wallet cannot pay, leaving the plan as it was', async () => {
    const small = await aPlan();
    const large = await aPlan({ name: 'Large', feeMinor: 60_000 });
    const driver = await aDriverWith(3500);
    const { subscriptions } = system.deps.plans;
    const id = await subscriptions.subscribe(driver.id, small.id);
    await expect(subscriptions.change(id, large.id)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await periodRow(system.deps.orm, id)).toMatchObject({ plan_id: small.id, changes: 0, pending_change: null });
    expect(await balance(driver.id)).toBe(500);
  });

  it('prices the sessions of a plan with a tariff of its own with that tariff, at the sites it covers only', async () => {
    const definition = {
      currency: 'RWF',
      type: 'REGULAR',
      altText: [],
      pricesIncludeTax: true,
      taxes: [],
      elements: [{ priceComponents: [{ type: 'ENERGY', price: '100', stepSize: 1 }] }],
    };
    const { tariff } = await system.deps.tariffs.create(organisationId, 'Members', { definition, validFrom: new Date(0) });
    const other = await anOrganisation(system);
    const plan = await aPlan({ tariffId: tariff.id, siteIds: [siteId] });
    const driver = await aDriverWith(10_000);
    const tag = await aTagOf(system, driver.id);
    await system.deps.plans.subscriptions.subscribe(driver.id, plan.id);
    const { station } = await system.deps.stations.create({ identity: `PLAN-T-${driver.id.slice(0, 8)}`, siteId });
    const elsewhere = await system.deps.stations.create({ identity: `PLAN-O-${driver.id.slice(0, 8)}`, siteId: other.siteId });
    const question = { connectorId: 1, idTokenId: tag.id, at: new Date() };
    expect((await system.deps.tariffs.resolve({ ...question, stationId: station.id }))?.tariff.id).toBe(tariff.id);
    expect(await system.deps.tariffs.resolve({ ...question, stationId: elsewhere.station.id })).toBeNull();
    expect(await system.deps.tariffs.resolve({ ...question, idTokenId: null, stationId: station.id })).toBeNull();
  });

  it('queues each renewal as a job named by subscription and period start', async () => {
    const plan = await aPlan();
    const driver = await aDriverWith(10_000);
    // Its first period ends in two minutes, before the next sweep.
    const anchor = addIntervals(new Date(Date.now() + 120_000), 'month', -1);
    const id = await system.deps.plans.subscriptions.subscribe(driver.id, plan.id, anchor);
    const workers = system.workers;
    if (!workers) throw new Error('the workers role is not running');
    await workers.plans.sweep();
    const period = await periodRow(system.deps.orm, id);
    const job = await workers.plans.queue.getJob(renewalJobId(id, period?.period_end as Date));
    expect(job?.data).toEqual({ subscriptionId: id });
    expect(job?.opts.delay).toBeGreaterThan(0);
  });
});
