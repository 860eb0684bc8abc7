import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMomo } from '../../simulator/providers/momo-server.js';
import { anOrganisation, aUser } from '../../test/api.js';
import { sql } from '../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { momoProvider } from './momo.js';
import { momoRefundReference } from './momo-refund.js';

// MoMo refunds through the account's Disbursement product, against the local MTN server and real PostgreSQL:
// money leaves the ledger only on MTN's SUCCESSFUL, once per refund however often it is asked.

describe('MoMo refunds: given back through Disbursement and the ledger, once', () => {
  let system: TestSystem;
  let momo: FakeMomo;
  let organisationId: string;

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    system = await startTestSystem({ roles: ['api'], env: momo.env() });
    organisationId = (await anOrganisation(system)).organisationId;
  });
  afterAll(async () => {
    await system?.close();
    await momo?.close();
  });

  const payments = () => system.deps.payments;
  const balance = async (userId: string) => (await system.deps.ledger.wallet(organisationId, userId, 'RWF')).balanceMinor;
  /** A driver whose MoMo top-up of 2,500 RWF MTN approved. */
  async function aTopUp() {
    const driver = (await aUser(system, 'DRIVER')).id;
    const attempt = await payments().topUpWallet({
      userId: driver,
      organisationId,
      amountMinor: 2500,
      method: 'momo',
      msisdn: '250788123456',
    });
    await momo.settle(attempt.id, 'SUCCESSFUL');
    await payments().refresh(attempt.id, 'poll');
    expect(await balance(driver)).toBe(2500);
    return { driver, attempt };
  }

  it('gives part and then all of a top-up back, naming the request-to-pay, out of the wallet', async () => {
    const { driver, attempt } = await aTopUp();
    const actor = (await aUser(system, 'OPERATOR')).id;
    const part = await payments().refunds.refund({ paymentId: attempt.id, amountMinor: 1000, actor });
    expect(part).toMatchObject({ state: 'captured', refundedMinor: 1000 });
    const [first] = [...momo.refunds.values()].filter((r) => r.referenceIdToRefund === attempt.id);
    expect(first).toMatchObject({ amount: '1000', currency: 'RWF', status: 'SUCCESSFUL' });
    expect(await balance(driver)).toBe(1500);
    expect(await payments().refunds.refund({ paymentId: attempt.id, actor })).toMatchObject({ state: 'refunded', refundedMinor: 2500 });
    expect(await balance(driver)).toBe(0);
    const given = [...momo.refunds.values()].filter((r) => r.referenceIdToRefund === attempt.id).map((r) => r.amount);
    expect(given.sort()).toEqual(['1000', '1500']);
    const refunds = await sql<{ n: string }>(
      system,
      `select count(*) as n from ledger_transaction where kind = 'refund' and reference = ?`,
      [attempt.id],
    );
    expect(refunds).toEqual([{ n: '2' }]);
    expect((await payments().reconcile(new Date(Date.now() - 60_000))).differences).toEqual([]);
  });

  it('posts nothing while MTN has not settled a refund, and posts it once when the same refund is asked again', async () => {
    const { driver, attempt } = await aTopUp();
    const actor = (await aUser(system, 'OPERATOR')).id;
    momo.refundOutcome = 'PENDING';
    await expect(payments().refunds.refund({ paymentId: attempt.id, actor })).rejects.toMatchObject({ code: 'CONFLICT' });
    const [pending] = [...momo.refunds.values()].filter((r) => r.referenceIdToRefund === attempt.id);
    expect(pending?.status).toBe('PENDING');
    expect(await payments().get(attempt.id)).toMatchObject({ state: 'captured', refundedMinor: 0 });
    expect(await balance(driver)).toBe(2500);
    momo.settleRefund(pending?.referenceId as string, 'SUCCESSFUL');
    momo.refundOutcome = 'SUCCESSFUL';
    // The same refund again: the same X-Reference-Id, MTN answers 409 for the refund it has, its status is read back.
    expect(await payments().refunds.refund({ paymentId: attempt.id, actor })).toMatchObject({ state: 'refunded', refundedMinor: 2500 });
    expect([...momo.refunds.values()].filter((r) => r.referenceIdToRefund === attempt.id)).toHaveLength(1);
    expect(await balance(driver)).toBe(0);
  });

  it('names a refund at MTN by its idempotency key: a UUID of version 4 form, the same for the same key', () => {
    const reference = momoRefundReference('refund:p:0:2500');
    expect(reference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(momoRefundReference('refund:p:0:2500')).toBe(reference);
    expect(momoRefundReference('refund:p:0:2501')).not.toBe(reference);
  });

  it('leaves the payment captured when MTN fails the refund, and the ledger as it was', async () => {
    const { driver, attempt } = await aTopUp();
    const actor = (await aUser(system, 'OPERATOR')).id;
    momo.refundOutcome = 'FAILED';
    await expect(payments().refunds.refund({ paymentId: attempt.id, actor })).rejects.toMatchObject({ code: 'CONFLICT' });
    momo.refundOutcome = 'SUCCESSFUL';
    expect(await payments().get(attempt.id)).toMatchObject({ state: 'captured', refundedMinor: 0 });
    expect(await balance(driver)).toBe(2500);
  });

  it('refuses a refund when the Disbursement product is not configured, saying what to set', () => {
    const without = momoProvider(momo.settings({ disbursement: null }));
    expect(typeof without.refund === 'function').toBe(false);
    expect(JSON.stringify(without.refund)).toMatch(/MOMO_DISBURSEMENT_/);
  });
});
