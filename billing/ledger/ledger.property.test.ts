import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { InsufficientFundsError, LedgerError } from './errors.js';
import { type LedgerFixtures, ledgerTestbed } from './fixtures.js';
import type { Ledger } from './ledger.js';

/** What a run does, to one of three drivers. */
type Step =
  | { op: 'credit'; driver: number; amountMinor: number }
  | { op: 'charge'; driver: number; amountMinor: number; taxMinor: number }
  | { op: 'burst'; driver: number; amountsMinor: number[] }
  | { op: 'transfer'; from: number; to: number; amountMinor: number }
  | { op: 'raise-limit'; driver: number; byMinor: number }
  | { op: 'repeat' }
  | { op: 'unbalanced'; driver: number; amountMinor: number };

const driver = fc.integer({ min: 0, max: 2 });
const amount = fc.integer({ min: 1, max: 1500 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('credit' as const), driver, amountMinor: amount }),
  fc
    .record({ op: fc.constant('charge' as const), driver, amountMinor: amount, taxPercent: fc.integer({ min: 0, max: 100 }) })
    .map(({ taxPercent, ...charge }) => ({ ...charge, taxMinor: Math.floor((charge.amountMinor * taxPercent) / 100) })),
  fc.record({
    op: fc.constant('burst' as const),
    driver,
    amountsMinor: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 2, maxLength: 6 }),
  }),
  fc.record({ op: fc.constant('transfer' as const), from: driver, to: driver, amountMinor: amount }),
  fc.record({ op: fc.constant('raise-limit' as const), driver, byMinor: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ op: fc.constant('repeat' as const) }),
  fc.record({ op: fc.constant('unbalanced' as const), driver, amountMinor: amount }),
);

describe('Ledger, under random postings', () => {
  let system: TestSystem;
  let ledger: Ledger;
  let data: LedgerFixtures;
  let organisationId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    ({ ledger, data, organisationId } = await ledgerTestbed(system.deps.orm));
  });
  afterAll(() => system?.close());

  /** The books balance, every cached balance is its entries' sum, no wallet is below minus its credit limit. */
  async function expectConsistentBooks() {
    const [total] = await data.execute<{ sum: string }[]>('select coalesce(sum(amount_minor), 0)::text as sum from ledger_entry');
    expect(total?.sum).toBe('0');
    const drifted = await data.execute(
      `select a.id, a.balance_minor, coalesce(sum(e.amount_minor), 0) as entries from ledger_account a
       left join ledger_entry e on e.account_id = a.id group by a.id having a.balance_minor <> coalesce(sum(e.amount_minor), 0)`,
    );
    expect(drifted).toEqual([]);
    const unbalanced = await data.execute(
      'select transaction_id from ledger_entry group by transaction_id having sum(amount_minor) <> 0 or count(*) < 2',
    );
    expect(unbalanced).toEqual([]);
    const overdrawn = await data.execute(`select id from ledger_account where kind = 'wallet' and balance_minor < -credit_limit_minor`);
    expect(overdrawn).toEqual([]);
  }

  it('keep the books balanced and every wallet within its credit limit, and refuse exactly the postings that would not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const drivers = await Promise.all([data.aDriver(), data.aDriver(), data.aDriver()]);
        const wallets = await Promise.all(drivers.map((userId) => ledger.wallet(organisationId, userId, 'RWF')));
        const model = wallets.map(() => ({ balance: 0, limit: 0 }));
        const posted: Parameters<Ledger['chargeWallet']>[0][] = [];
        const at = (i: number) => {
          const entry = model[i];
          if (!entry) throw new Error(`no driver ${i}`);
          return entry;
        };
        const aCharge = (i: number, amountMinor: number, taxMinor = 0) => ({
          organisationId,
          userId: drivers[i] as string,
          currency: 'RWF',
          sessionId: crypto.randomUUID(),
          amountMinor,
          taxMinor,
        });
        for (const s of steps) {
          if (s.op === 'credit') {
            const userId = drivers[s.driver] as string;
            await ledger.creditWallet({
              organisationId,
              userId,
              currency: 'RWF',
              amountMinor: s.amountMinor,
              actor: null,
              reason: 'property',
              idempotencyKey: crypto.randomUUID(),
            });
            at(s.driver).balance += s.amountMinor;
          } else if (s.op === 'charge') {
            const m = at(s.driver);
            const charge = aCharge(s.driver, s.amountMinor, s.taxMinor);
            const allowed = m.balance - s.amountMinor >= -m.limit;
            const outcome = ledger.chargeWallet(charge);
            if (allowed) {
              await outcome;
              m.balance -= s.amountMinor;
              posted.push(charge);
            } else await expect(outcome).rejects.toBeInstanceOf(InsufficientFundsError);
          } else if (s.op === 'burst') {
            const m = at(s.driver);
            const outcomes = await Promise.allSettled(
              s.amountsMinor.map((amountMinor) => ledger.chargeWallet(aCharge(s.driver, amountMinor))),
            );
            outcomes.forEach((outcome, i) => {
              if (outcome.status === 'fulfilled') m.balance -= s.amountsMinor[i] as number;
              else expect(outcome.reason).toBeInstanceOf(InsufficientFundsError);
            });
            expect(m.balance).toBeGreaterThanOrEqual(-m.limit);
          } else if (s.op === 'transfer') {
            const [from, to] = [at(s.from), at(s.to)];
            const outcome = ledger.post({
              organisationId,
              kind: 'transfer',
              idempotencyKey: crypto.randomUUID(),
              entries: [
                { accountId: wallets[s.from]?.id as string, amountMinor: -s.amountMinor },
                { accountId: wallets[s.to]?.id as string, amountMinor: s.amountMinor },
              ],
            });
            if (s.from === s.to) await expect(outcome).rejects.toThrow(/at least two accounts/);
            else if (from.balance - s.amountMinor < -from.limit) await expect(outcome).rejects.toBeInstanceOf(InsufficientFundsError);
            else {
              await outcome;
              from.balance -= s.amountMinor;
              to.balance += s.amountMinor;
            }
          } else if (s.op === 'raise-limit') {
            const m = at(s.driver);
            m.limit += s.byMinor;
            await ledger.setCreditLimit(wallets[s.driver]?.id as string, m.limit, null);
          } else if (s.op === 'repeat') {
            const charge = posted.at(-1);
            if (charge) expect((await ledger.chargeWallet(charge)).replayed).toBe(true);
          } else {
            const revenue = await ledger.account(organisationId, 'revenue', 'RWF');
            const outcome = ledger.post({
              organisationId,
              kind: 'broken',
              idempotencyKey: crypto.randomUUID(),
              entries: [
                { accountId: wallets[s.driver]?.id as string, amountMinor: -s.amountMinor },
                { accountId: revenue.id, amountMinor: s.amountMinor + 1 },
              ],
            });
            await expect(outcome).rejects.toBeInstanceOf(LedgerError);
          }
        }
        for (const [i, wallet] of wallets.entries()) {
          expect(await ledger.balance(wallet.id)).toBe(at(i).balance);
          expect(await ledger.verifiedBalance(wallet.id)).toBe(at(i).balance);
        }
        await expectConsistentBooks();
      }),
      { numRuns: 30 },
    );
  });
});
