import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { LedgerError } from './errors.js';
import { type LedgerFixtures, ledgerTestbed } from './fixtures.js';
import type { Ledger } from './ledger.js';

describe('Ledger', () => {
  let system: TestSystem;
  let ledger: Ledger;
  let data: LedgerFixtures;
  let organisationId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    ({ ledger, data, organisationId } = await ledgerTestbed(system.deps.orm));
  });
  afterAll(() => system?.close());

  const key = () => `test:${crypto.randomUUID()}`;

  describe('account', () => {
    it('finds the account it created, also when asked for it many times at once', async () => {
      const driver = await data.aDriver();
      const wallets = await Promise.all(Array.from({ length: 8 }, () => ledger.wallet(organisationId, driver, 'RWF')));
      expect(new Set(wallets.map((wallet) => wallet.id)).size).toBe(1);
      const revenues = await Promise.all(Array.from({ length: 8 }, () => ledger.account(organisationId, 'revenue', 'RWF')));
      expect(new Set(revenues.map((account) => account.id)).size).toBe(1);
      expect(revenues[0]).toMatchObject({ kind: 'revenue', ownerId: null, currency: 'RWF', balanceMinor: 0, creditLimitMinor: 0 });
      expect((await ledger.account(organisationId, 'revenue', 'EUR')).id).not.toBe(revenues[0]?.id);
    });

    it('refuses a currency that is not an ISO 4217 code, and a wallet without its driver', async () => {
      await expect(ledger.account(organisationId, 'revenue', 'rwf')).rejects.toThrow(/currency: "rwf" is not an ISO 4217 code/);
      await expect(ledger.account(organisationId, 'revenue', 'EURO')).rejects.toThrow(/ISO 4217/);
      await expect(ledger.account(organisationId, 'wallet', 'RWF')).rejects.toThrow(/a wallet belongs to a user/);
    });
  });

  describe('post', () => {
    it('writes balanced entries and keeps each balance equal to the sum of its entries', async () => {
      const clearing = await ledger.account(organisationId, 'provider_clearing', 'USD');
      const wallet = await ledger.wallet(organisationId, await data.aDriver(), 'USD');
      const posted = await ledger.post({
        organisationId,
        kind: 'top-up',
        idempotencyKey: key(),
        reference: 'payment-1',
        entries: [
          { accountId: clearing.id, amountMinor: -2500 },
          { accountId: wallet.id, amountMinor: 2500 },
        ],
      });
      expect(posted).toMatchObject({ kind: 'top-up', reference: 'payment-1', replayed: false });
      expect(posted.entries.map(({ accountId, amountMinor }) => ({ accountId, amountMinor }))).toEqual([
        { accountId: clearing.id, amountMinor: -2500 },
        { accountId: wallet.id, amountMinor: 2500 },
      ]);
      expect(await ledger.balance(wallet.id)).toBe(2500);
      expect(await ledger.verifiedBalance(wallet.id)).toBe(2500);
      expect(await ledger.balance(clearing.id)).toBe(-2500);
      expect(await ledger.verifiedBalance(clearing.id)).toBe(-2500);
      const unknown = crypto.randomUUID();
      await expect(ledger.balance(unknown)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(ledger.verifiedBalance(unknown)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses a posting that does not balance, mixes currencies, has one entry or a fraction, and writes nothing', async () => {
      const rwfRevenue = await ledger.account(organisationId, 'revenue', 'RWF');
      const rwfAdjustment = await ledger.account(organisationId, 'adjustment', 'RWF');
      const eurAdjustment = await ledger.account(organisationId, 'adjustment', 'EUR');
      const otherOrganisation = await data.anOrganisation();
      const elsewhere = await ledger.account(otherOrganisation, 'adjustment', 'RWF');
      const before = await data.snapshot();
      const refused = [
        {
          entries: [
            { accountId: rwfAdjustment.id, amountMinor: -100 },
            { accountId: rwfRevenue.id, amountMinor: 99 },
          ],
          error: /entries sum to -1, not 0/,
        },
        {
          entries: [
            { accountId: eurAdjustment.id, amountMinor: -100 },
            { accountId: rwfRevenue.id, amountMinor: 100 },
          ],
          error: /accounts in EUR and RWF/,
        },
        { entries: [{ accountId: rwfRevenue.id, amountMinor: 0 }], error: /at least two entries/ },
        {
          entries: [
            { accountId: rwfAdjustment.id, amountMinor: -10.5 },
            { accountId: rwfRevenue.id, amountMinor: 10.5 },
          ],
          error: /-10.5 is not an integer number of minor units/,
        },
        {
          entries: [
            { accountId: rwfAdjustment.id, amountMinor: -100 },
            { accountId: rwfAdjustment.id, amountMinor: 100 },
          ],
          error: /between at least two accounts/,
        },
        {
          entries: [
            { accountId: elsewhere.id, amountMinor: -100 },
            { accountId: rwfRevenue.id, amountMinor: 100 },
          ],
          error: /not in the posting's organisation/,
        },
        {
          entries: [
            { accountId: rwfAdjustment.id, amountMinor: -100 },
            { accountId: crypto.randomUUID(), amountMinor: 100 },
          ],
          error: /no ledger account/,
        },
      ];
      for (const { entries, error } of refused) {
        const posting = ledger.post({ organisationId, kind: 'manual-credit', idempotencyKey: key(), entries });
        await expect(posting).rejects.toThrow(error);
        await expect(posting).rejects.toBeInstanceOf(LedgerError);
      }
      expect(await data.snapshot()).toEqual(before);
    });

    it('posts once per idempotency key: the repeat returns the first posting, replayed', async () => {
      const adjustment = await ledger.account(organisationId, 'adjustment', 'KES');
      const wallet = await ledger.wallet(organisationId, await data.aDriver(), 'KES');
      const posting = {
        organisationId,
        kind: 'manual-credit',
        idempotencyKey: key(),
        entries: [
          { accountId: adjustment.id, amountMinor: -700 },
          { accountId: wallet.id, amountMinor: 700 },
        ],
      };
      const first = await ledger.post(posting);
      const again = await ledger.post(posting);
      const raced = await Promise.all([ledger.post(posting), ledger.post(posting)]);
      expect(first.replayed).toBe(false);
      for (const repeat of [again, ...raced]) expect(repeat).toEqual({ ...first, replayed: true });
      expect(await ledger.balance(wallet.id)).toBe(700);
      // Two first tries at once: one posts, the other waits for it and gets it back.
      const fresh = { ...posting, idempotencyKey: key() };
      const both = await Promise.all([ledger.post(fresh), ledger.post(fresh)]);
      expect(both.map((result) => result.replayed).sort()).toEqual([false, true]);
      expect(both[0]?.id).toBe(both[1]?.id);
      expect(await ledger.balance(wallet.id)).toBe(1400);
      const [{ count }] = await data.execute<[{ count: string }]>('select count(*) from ledger_transaction where idempotency_key = ?', [
        posting.idempotencyKey,
      ]);
      expect(count).toBe('1');
    });

    it('refuses a repeated key whose entries differ from the first posting', async () => {
      const adjustment = await ledger.account(organisationId, 'adjustment', 'UGX');
      const wallet = await ledger.wallet(organisationId, await data.aDriver(), 'UGX');
      const idempotencyKey = key();
      const entries = (amountMinor: number) => [
        { accountId: adjustment.id, amountMinor: -amountMinor },
        { accountId: wallet.id, amountMinor },
      ];
      await ledger.post({ organisationId, kind: 'manual-credit', idempotencyKey, entries: entries(100) });
      const changed = ledger.post({ organisationId, kind: 'manual-credit', idempotencyKey, entries: entries(200) });
      await expect(changed).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await ledger.balance(wallet.id)).toBe(100);
    });
  });

  describe('ledger_entry', () => {
    it('cannot be updated, deleted or truncated, even by SQL written around the ledger', async () => {
      const posted = await ledger.creditWallet({
        organisationId,
        userId: await data.aDriver(),
        currency: 'RWF',
        amountMinor: 500,
        actor: null,
        reason: 'welcome credit',
        idempotencyKey: key(),
      });
      const entryId = posted.entries[0]?.id;
      await expect(data.execute('update ledger_entry set amount_minor = 1 where id = ?', [entryId])).rejects.toThrow(
        /ledger_entry is append-only: UPDATE refused/,
      );
      await expect(data.execute('delete from ledger_entry where id = ?', [entryId])).rejects.toThrow(
        /ledger_entry is append-only: DELETE refused/,
      );
      await expect(data.execute('truncate ledger_entry cascade')).rejects.toThrow(/ledger_entry is append-only: TRUNCATE refused/);
      expect(await data.execute('select amount_minor from ledger_entry where id = ?', [entryId])).toEqual([
        { amount_minor: String(posted.entries[0]?.amountMinor) },
      ]);
    });
  });

  describe('history', () => {
    it("pages through an account's entries with their transactions, newest first", async () => {
      const userId = await data.aDriver();
      for (const amountMinor of [100, 200, 300]) {
        await ledger.creditWallet({
          organisationId,
          userId,
          currency: 'TZS',
          amountMinor,
          actor: userId,
          reason: `credit ${amountMinor}`,
          idempotencyKey: key(),
        });
      }
      const wallet = await ledger.wallet(organisationId, userId, 'TZS');
      const page = await ledger.history(wallet.id, { first: 2 });
      expect(page.entries.map((entry) => [entry.amountMinor, entry.transaction.description, entry.transaction.actor])).toEqual([
        [300, 'credit 300', userId],
        [200, 'credit 200', userId],
      ]);
      expect(page.hasNextPage).toBe(true);
      const rest = await ledger.history(wallet.id, { first: 2, after: page.endCursor });
      expect(rest.entries.map((entry) => entry.amountMinor)).toEqual([100]);
      expect(rest.hasNextPage).toBe(false);
      expect(rest.entries[0]?.transaction).toMatchObject({ kind: 'manual-credit', organisationId });
    });
  });
});
