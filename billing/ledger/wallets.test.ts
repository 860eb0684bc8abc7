import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { InsufficientFundsError } from './errors.js';
import { type LedgerFixtures, ledgerTestbed } from './fixtures.js';
import type { Ledger } from './ledger.js';

describe('Wallets', () => {
  let system: TestSystem;
  let ledger: Ledger;
  let data: LedgerFixtures;
  let organisationId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    ({ ledger, data, organisationId } = await ledgerTestbed(system.deps.orm));
  });
  afterAll(() => system?.close());

  /** A driver whose RWF wallet holds `amountMinor`, credited by hand. */
  async function aFundedDriver(amountMinor: number) {
    const userId = await data.aDriver();
    await ledger.creditWallet({
      organisationId,
      userId,
      currency: 'RWF',
      amountMinor,
      actor: null,
      reason: 'test funds',
      idempotencyKey: `fund:${userId}`,
    });
    return { userId, wallet: await ledger.wallet(organisationId, userId, 'RWF') };
  }
  const aCharge = (userId: string, amountMinor: number, taxMinor = 0) => ({
    organisationId,
    userId,
    currency: 'RWF',
    sessionId: crypto.randomUUID(),
    amountMinor,
    taxMinor,
  });

  it('credits a wallet by hand from the adjustment account, saying who and why', async () => {
    const operator = await data.aDriver();
    const { userId, wallet } = await aFundedDriver(1000);
    const adjustment = await ledger.account(organisationId, 'adjustment', 'RWF');
    const before = await ledger.balance(adjustment.id);
    const posted = await ledger.creditWallet({
      organisationId,
      userId,
      currency: 'RWF',
      amountMinor: 250,
      actor: operator,
      reason: 'charger fault on 3 Dec',
      idempotencyKey: `goodwill:${userId}`,
    });
    expect(posted).toMatchObject({ kind: 'manual-credit', actor: operator, description: 'charger fault on 3 Dec' });
    expect(await ledger.balance(wallet.id)).toBe(1250);
    expect(await ledger.balance(adjustment.id)).toBe(before - 250);
  });

  it('charges a session once: the wallet pays the total, revenue gets it less tax, tax_payable the tax', async () => {
    const { userId, wallet } = await aFundedDriver(5000);
    const revenue = await ledger.account(organisationId, 'revenue', 'RWF');
    const tax = await ledger.account(organisationId, 'tax_payable', 'RWF');
    const [revenueBefore, taxBefore] = [await ledger.balance(revenue.id), await ledger.balance(tax.id)];
    const charge = aCharge(userId, 1180, 180);
    const posted = await ledger.chargeWallet(charge);
    expect(posted).toMatchObject({ kind: 'session-charge', idempotencyKey: `session:${charge.sessionId}`, reference: charge.sessionId });
    expect((await ledger.chargeWallet(charge)).replayed).toBe(true);
    expect(await ledger.balance(wallet.id)).toBe(5000 - 1180);
    expect(await ledger.balance(revenue.id)).toBe(revenueBefore + 1000);
    expect(await ledger.balance(tax.id)).toBe(taxBefore + 180);
  });

  it('refuses a charge whose tax is more than its amount, or whose amount is not whole minor units', async () => {
    const { userId } = await aFundedDriver(1000);
    await expect(ledger.chargeWallet(aCharge(userId, 100, 101))).rejects.toThrow(/taxMinor: more than the amount/);
    await expect(ledger.chargeWallet(aCharge(userId, 99.9))).rejects.toThrow(/not an integer number of minor units/);
    await expect(ledger.chargeWallet(aCharge(userId, 0))).rejects.toThrow(/amountMinor: 0 must be > 0/);
  });

  it('cannot be overdrawn by concurrent charges: 20 charges of 100 on 1000, 10 go through', async () => {
    const { userId, wallet } = await aFundedDriver(1000);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => ledger.chargeWallet(aCharge(userId, 100, 18))));
    const charged = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(charged).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const error of refused) {
      expect(error).toBeInstanceOf(InsufficientFundsError);
      expect(error).toMatchObject({ accountId: wallet.id, balance: 0, needed: 100, creditLimit: 0 });
    }
    expect(await ledger.balance(wallet.id)).toBe(0);
    expect(await ledger.verifiedBalance(wallet.id)).toBe(0);
    const [{ count }] = await data.execute<[{ count: string }]>(
      `select count(*) from ledger_transaction where kind = 'session-charge' and id in
         (select transaction_id from ledger_entry where account_id = ?)`,
      [wallet.id],
    );
    expect(count).toBe('10');
  });

  it('charges a batch of sessions in order while each wallet can pay, each once, and leaves out what it cannot', async () => {
    const [rich, poor] = [await aFundedDriver(10_000), await aFundedDriver(250)];
    const charges = [aCharge(rich.userId, 1180, 180), aCharge(poor.userId, 200), aCharge(poor.userId, 100), aCharge(rich.userId, 500)];
    const before = await data.snapshot();

    expect(await ledger.chargeWallets(charges)).toEqual(['charged', 'charged', 'insufficient', 'charged']);
    // The refused charge wrote nothing, and may go through once the wallet has the money: the rest are repeats.
    expect(await ledger.chargeWallets([...charges, charges[0] as (typeof charges)[0]])).toEqual([
      'replayed',
      'replayed',
      'insufficient',
      'replayed',
      'replayed',
    ]);
    expect(await ledger.balance(rich.wallet.id)).toBe(10_000 - 1680);
    expect(await ledger.balance(poor.wallet.id)).toBe(50);
    expect(await ledger.verifiedBalance(poor.wallet.id)).toBe(50);
    const after = await data.snapshot();
    expect(Number(after.counts?.transactions) - Number(before.counts?.transactions)).toBe(3);
    // The one posting path and the other are the same posting: chargeWallet finds the batch's.
    expect((await ledger.chargeWallet(charges[3] as (typeof charges)[0])).replayed).toBe(true);
    await expect(ledger.chargeWallets([{ ...(charges[0] as (typeof charges)[0]), amountMinor: 2000 }])).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('cannot be overdrawn by concurrent batches: 10 batches of 4 charges of 100 on 1000, 10 go through', async () => {
    const { userId, wallet } = await aFundedDriver(1000);
    const batches = await Promise.all(
      Array.from({ length: 10 }, () => ledger.chargeWallets(Array.from({ length: 4 }, () => aCharge(userId, 100, 18)))),
    );
    expect(batches.flat().filter((outcome) => outcome === 'charged')).toHaveLength(10);
    expect(batches.flat().filter((outcome) => outcome === 'insufficient')).toHaveLength(30);
    expect(await ledger.balance(wallet.id)).toBe(0);
    expect(await ledger.verifiedBalance(wallet.id)).toBe(0);
    const [sum] = await data.execute<{ total: string }[]>('select coalesce(sum(amount_minor), 0)::text as total from ledger_entry');
    expect(sum?.total).toBe('0');
  });

  it('goes down to minus its credit limit and no further', async () => {
    const operator = await data.aDriver();
    const { userId, wallet } = await aFundedDriver(300);
    await expect(ledger.chargeWallet(aCharge(userId, 400))).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await ledger.setCreditLimit(wallet.id, 500, operator)).toMatchObject({ creditLimitMinor: 500, balanceMinor: 300 });
    await ledger.chargeWallet(aCharge(userId, 400));
    await ledger.chargeWallet(aCharge(userId, 400));
    expect(await ledger.balance(wallet.id)).toBe(-500);
    const beyond = ledger.chargeWallet(aCharge(userId, 1));
    await expect(beyond).rejects.toMatchObject({ accountId: wallet.id, balance: -500, needed: 1, creditLimit: 500 });
    expect(await ledger.verifiedBalance(wallet.id)).toBe(-500);
    const [row] = await data.execute<{ credit_limit_set_by: string }[]>('select credit_limit_set_by from ledger_account where id = ?', [
      wallet.id,
    ]);
    expect(row?.credit_limit_set_by).toBe(operator);
  });

  it('takes money in while below a lowered credit limit, and nothing out', async () => {
    const { userId, wallet } = await aFundedDriver(100);
    await ledger.setCreditLimit(wallet.id, 1000, null);
    await ledger.chargeWallet(aCharge(userId, 900));
    await ledger.setCreditLimit(wallet.id, 0, null);
    await expect(ledger.chargeWallet(aCharge(userId, 1))).rejects.toBeInstanceOf(InsufficientFundsError);
    await ledger.creditWallet({
      organisationId,
      userId,
      currency: 'RWF',
      amountMinor: 300,
      actor: null,
      reason: 'top-up',
      idempotencyKey: `topup:${userId}`,
    });
    expect(await ledger.balance(wallet.id)).toBe(-500);
  });

  it('has a credit limit only on wallets', async () => {
    const revenue = await ledger.account(organisationId, 'revenue', 'RWF');
    await expect(ledger.setCreditLimit(revenue.id, 100, null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { wallet } = await aFundedDriver(1);
    await expect(ledger.setCreditLimit(wallet.id, -1, null)).rejects.toThrow(/limitMinor: -1 must be >= 0/);
  });
});
