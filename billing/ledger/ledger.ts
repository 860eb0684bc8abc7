import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import { type LedgerAccountKind, ledgerAccountKinds } from '../../schema/entities/index.js';
import { InsufficientFundsError, LedgerError } from './errors.js';
import { assertCurrency, assertMinor, checkPosting, entriesShape, isUuid, type PostingInput } from './posting.js';
import {
  type WalletCharge,
  type WalletChargeOutcome,
  chargeEntries,
  chargeWallets,
  checkCharge,
  sessionChargeKey,
} from './wallet-charges.js';

export interface LedgerAccountView {
  id: string;
  organisationId: string;
  kind: LedgerAccountKind;
  ownerId: string | null;
  currency: string;
  /** Credits minus debits, in minor units: a wallet's money is positive. */
  balanceMinor: number;
  creditLimitMinor: number;
}

export interface PostedTransaction {
  id: string;
  organisationId: string;
  kind: string;
  idempotencyKey: string;
  reference: string | null;
  description: string | null;
  actor: string | null;
  createdAt: Date;
  entries: { id: number; accountId: string; amountMinor: number }[];
  /** True when the idempotency key had been posted already: this is that first posting, nothing new was written. */
  replayed: boolean;
}

export interface HistoryEntry {
  /** The entry's id, also the cursor to page on after it. */
  id: string;
  amountMinor: number;
  createdAt: Date;
  transaction: Omit<PostedTransaction, 'entries' | 'replayed'>;
}

interface AccountRow {
  id: string;
  organisation_id: string;
  kind: LedgerAccountKind;
  owner_id: string | null;
  currency: string;
  balance_minor: string;
  credit_limit_minor: string;
}

interface TransactionRow {
  id: string;
  organisation_id: string;
  kind: string;
  idempotency_key: string;
  reference: string | null;
  description: string | null;
  actor: string | null;
  created_at: Date;
}

type Execute = <T>(query: string, params?: unknown[]) => Promise<T>;

const accountColumns = 'id, organisation_id, kind, owner_id, currency, balance_minor, credit_limit_minor';
const transactionColumns = 'id, organisation_id, kind, idempotency_key, reference, description, actor, created_at';
const noOwner = '00000000-0000-0000-0000-000000000000';

/** A bigint column as a number; amounts beyond 2^53 are refused on the way in, so they never come back. */
function minor(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`ledger: ${value} minor units is beyond a safe integer`);
  return n;
}

const accountView = (row: AccountRow): LedgerAccountView => ({
  id: row.id,
  organisationId: row.organisation_id,
  kind: row.kind,
  ownerId: row.owner_id,
  currency: row.currency,
  balanceMinor: minor(row.balance_minor),
  creditLimitMinor: minor(row.credit_limit_minor),
});

const transactionView = (row: TransactionRow): Omit<PostedTransaction, 'entries' | 'replayed'> => ({
  id: row.id,
  organisationId: row.organisation_id,
  kind: row.kind,
  idempotencyKey: row.idempotency_key,
  reference: row.reference,
  description: row.description,
  actor: row.actor,
  createdAt: row.created_at,
});

/**
 * An operator's double-entry books in PostgreSQL. Every posting is one transaction whose entries sum to zero
 * (credits positive, debits negative); account balances are cached on the account in the same transaction,
 * and a wallet's may not go below minus its credit limit. Entries are never updated or deleted.
 */
export class Ledger {
  constructor(private readonly deps: { orm: Orm }) {}

  private execute: Execute = <T>(query: string, params: unknown[] = []) => this.deps.orm.em.fork().execute(query, params) as Promise<T>;

  /** The account for (organisation, kind, currency, owner), created on first use; safe when raced. */
  async account(organisationId: string, kind: LedgerAccountKind, currency: string, ownerId?: string | null): Promise<LedgerAccountView> {
    if (!isUuid(organisationId)) throw new LedgerError('BAD_USER_INPUT', 'organisationId: not a UUID');
    if (!ledgerAccountKinds.includes(kind)) throw new LedgerError('BAD_USER_INPUT', `kind: ${JSON.stringify(kind)} is no account kind`);
    assertCurrency(currency);
    const owner = ownerId ?? null;
    if (owner !== null && !isUuid(owner)) throw new LedgerError('BAD_USER_INPUT', 'ownerId: not a UUID');
    if (kind === 'wallet' && owner === null) throw new LedgerError('BAD_USER_INPUT', 'ownerId: a wallet belongs to a user');
    await this.execute(
      `insert into ledger_account (id, organisation_id, kind, owner_id, currency, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, now()) on conflict do nothing`,
      [organisationId, kind, owner, currency],
    );
    const rows = await this.execute<AccountRow[]>(
      `select ${accountColumns} from ledger_account
       where organisation_id = ? and kind = ? and coalesce(owner_id, ?) = coalesce(?::uuid, ?) and currency = ?`,
      [organisationId, kind, noOwner, owner, noOwner, currency],
    );
    const row = rows[0];
    if (!row) throw new Error('ledger: account vanished between insert and select');
    return accountView(row);
  }

  /**
   * Posts entries that sum to zero, all or nothing, once per idempotency key: a repeat returns the first posting
   * with `replayed: true` (and is refused when it differs from it). Throws InsufficientFundsError, having
   * written nothing, when a wallet would go below minus its credit limit. With `em` (one in a transaction), the
   * posting is part of that transaction (a savepoint in it): it commits or rolls back with the caller's writes.
   */
  async post(input: PostingInput, options: { em?: EntityManager } = {}): Promise<PostedTransaction> {
    const changes = checkPosting(input);
    return (options.em ?? this.deps.orm.em.fork()).transactional(async (em) => {
      const execute: Execute = <T>(query: string, params: unknown[] = []) => em.execute(query, params) as Promise<T>;
      const inserted = await execute<TransactionRow[]>(
        `insert into ledger_transaction (${transactionColumns}) values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, now())
         on conflict (idempotency_key) do nothing returning ${transactionColumns}`,
        [input.organisationId, input.kind, input.idempotencyKey, input.reference ?? null, input.description ?? null, input.actor ?? null],
      );
      const created = inserted[0];
      if (!created) return this.replay(execute, input);

      // Lock every account the posting touches, in id order: two postings never wait on each other in a cycle.
      const ids = changes.map((change) => change.accountId);
      const accounts = await execute<AccountRow[]>(`select ${accountColumns} from ledger_account where id in (?) order by id for update`, [
        ids,
      ]);
      checkAccounts(input, ids, accounts);

      const entries = await execute<{ id: string; account_id: string; amount_minor: string }[]>(
        `insert into ledger_entry (transaction_id, account_id, amount_minor, created_at)
         values ${input.entries.map(() => '(?, ?, ?, now())').join(', ')} returning id, account_id, amount_minor`,
        input.entries.flatMap((entry) => [created.id, entry.accountId, entry.amountMinor]),
      );

      for (const account of accounts) {
        const delta = changes.find((change) => change.accountId === account.id)?.deltaMinor ?? 0;
        if (delta === 0) continue;
        // A credit always goes in; a debit from a wallet only down to minus its credit limit.
        const updated = await execute<{ id: string }[]>(
          `update ledger_account set balance_minor = balance_minor + ?
           where id = ? and (kind <> 'wallet' or ? >= 0 or balance_minor + ? >= -credit_limit_minor) returning id`,
          [delta, account.id, delta, delta],
        );
        if (updated.length === 0) {
          throw new InsufficientFundsError(account.id, minor(account.balance_minor), -delta, minor(account.credit_limit_minor));
        }
      }
      return {
        ...transactionView(created),
        entries: entries.map((row) => ({ id: minor(row.id), accountId: row.account_id, amountMinor: minor(row.amount_minor) })),
        replayed: false,
      };
    });
  }

  /** The first posting of an idempotency key, when the repeat asks for the same. */
  private async replay(execute: Execute, input: PostingInput): Promise<PostedTransaction> {
    const [first] = await execute<TransactionRow[]>(`select ${transactionColumns} from ledger_transaction where idempotency_key = ?`, [
      input.idempotencyKey,
    ]);
    if (!first) throw new Error('ledger: transaction vanished between insert and select');
    const entries = await execute<{ id: string; account_id: string; amount_minor: string }[]>(
      'select id, account_id, amount_minor from ledger_entry where transaction_id = ? order by id',
      [first.id],
    );
    const posted = entries.map((row) => ({ id: minor(row.id), accountId: row.account_id, amountMinor: minor(row.amount_minor) }));
    if (
      first.organisation_id !== input.organisationId ||
      first.kind !== input.kind ||
      entriesShape(posted) !== entriesShape(input.entries)
    ) {
      throw new LedgerError('CONFLICT', `idempotency key ${input.idempotencyKey} was posted already, with other entries`);
    }
    return { ...transactionView(first), entries: posted, replayed: true };
  }

  /** A driver's prepaid wallet with an operator, in one currency. */
  wallet(organisationId: string, userId: string, currency: string): Promise<LedgerAccountView> {
    return this.account(organisationId, 'wallet', currency, userId);
  }

  /** Credits a wallet by hand (a goodwill gesture, a correction): the money comes from the adjustment account. */
  async creditWallet(input: {
    organisationId: string;
    userId: string;
    currency: string;
    amountMinor: number;
    actor: string | null;
    reason: string;
    idempotencyKey: string;
  }): Promise<PostedTransaction> {
    assertMinor('amountMinor', input.amountMinor);
    if (!input.reason?.trim()) throw new LedgerError('BAD_USER_INPUT', 'reason: say why the wallet is credited');
    const wallet = await this.wallet(input.organisationId, input.userId, input.currency);
    const adjustment = await this.account(input.organisationId, 'adjustment', input.currency);
    return this.post({
      organisationId: input.organisationId,
      kind: 'manual-credit',
      idempotencyKey: input.idempotencyKey,
      description: input.reason,
      actor: input.actor,
      entries: [
        { accountId: adjustment.id, amountMinor: -input.amountMinor },
        { accountId: wallet.id, amountMinor: input.amountMinor },
      ],
    });
  }

  /**
   * A session paid from the driver's wallet: `amountMinor` is what the driver pays, tax included, `taxMinor` the
   * tax in it. The wallet is debited the whole, revenue credited the rest after tax, tax_payable the tax. Once per
   * session (idempotency key `session:<id>`).
   */
  async chargeWallet(input: WalletCharge): Promise<PostedTransaction> {
    checkCharge(input);
    const wallet = await this.wallet(input.organisationId, input.userId, input.currency);
    const revenue = await this.account(input.organisationId, 'revenue', input.currency);
    const tax = await this.account(input.organisationId, 'tax_payable', input.currency);
    return this.post({
      organisationId: input.organisationId,
      kind: 'session-charge',
      idempotencyKey: sessionChargeKey(input.sessionId),
      reference: input.sessionId,
      actor: input.actor ?? null,
      entries: chargeEntries(input, wallet.id, revenue.id, tax.id),
    });
  }

  /**
   * Many sessions paid from their drivers' wallets at once (billing's batches), each as chargeWallet would: once per
   * session, balanced, never below a wallet's credit limit; a charge its wallet cannot pay is left out ('insufficient').
   */
  chargeWallets(charges: WalletCharge[]): Promise<WalletChargeOutcome[]> {
    return chargeWallets(this.deps.orm, charges);
  }

  /** The cached balance, credits minus debits. */
  async balance(accountId: string): Promise<number> {
    const [row] = await this.execute<{ balance_minor: string }[]>('select balance_minor from ledger_account where id = ?', [
      this.knownId(accountId),
    ]);
    if (!row) throw new LedgerError('NOT_FOUND', `no ledger account ${accountId}`);
    return minor(row.balance_minor);
  }

  /** The balance from the entries themselves; equals `balance` unless something wrote around the ledger. */
  async verifiedBalance(accountId: string): Promise<number> {
    const [row] = await this.execute<{ sum: string }[]>(
      `select coalesce((select sum(amount_minor) from ledger_entry where account_id = a.id), 0)::text as sum
       from ledger_account a where a.id = ?`,
      [this.knownId(accountId)],
    );
    if (!row) throw new LedgerError('NOT_FOUND', `no ledger account ${accountId}`);
    return minor(row.sum);
  }

  /** An account's entries with their transactions, newest first; `after` is an entry id from a previous page. */
  async history(
    accountId: string,
    { first = 20, after }: { first?: number; after?: string | null } = {},
  ): Promise<{ entries: HistoryEntry[]; hasNextPage: boolean; endCursor: string | null }> {
    if (!Number.isSafeInteger(first) || first < 1 || first > 100) throw new LedgerError('BAD_USER_INPUT', 'first: 1 to 100');
    if (after != null && !/^[0-9]{1,19}$/.test(after)) throw new LedgerError('BAD_USER_INPUT', 'after: not a cursor of this list');
    const rows = await this.execute<(TransactionRow & { entry_id: string; amount_minor: string; entry_created_at: Date })[]>(
      `select e.id as entry_id, e.amount_minor, e.created_at as entry_created_at,
         t.id, t.organisation_id, t.kind, t.idempotency_key, t.reference, t.description, t.actor, t.created_at
       from ledger_entry e join ledger_transaction t on t.id = e.transaction_id
       where e.account_id = ? and (?::bigint is null or e.id < ?::bigint)
       order by e.id desc limit ?`,
      [this.knownId(accountId), after ?? null, after ?? null, first + 1],
    );
    const entries = rows.slice(0, first).map((row) => ({
      id: row.entry_id,
      amountMinor: minor(row.amount_minor),
      createdAt: row.entry_created_at,
      transaction: transactionView(row),
    }));
    return { entries, hasNextPage: rows.length > first, endCursor: entries.at(-1)?.id ?? null };
  }

  /** How far below zero a wallet may go from now on (0: never); earlier postings stand. */
  async setCreditLimit(accountId: string, limitMinor: number, actor: string | null): Promise<LedgerAccountView> {
    assertMinor('limitMinor', limitMinor, { zero: true });
    const rows = await this.execute<AccountRow[]>(
      `update ledger_account set credit_limit_minor = ?, credit_limit_set_by = ?, credit_limit_set_at = now()
       where id = ? and kind = 'wallet' returning ${accountColumns}`,
      [limitMinor, actor, this.knownId(accountId)],
    );
    const row = rows[0];
    if (!row) throw new LedgerError('NOT_FOUND', `no wallet ${accountId}`);
    return accountView(row);
  }

  /** One account by its id, or null. */
  async accountById(accountId: string): Promise<LedgerAccountView | null> {
    if (!isUuid(accountId)) return null;
    const rows = await this.execute<AccountRow[]>(`select ${accountColumns} from ledger_account where id = ?`, [accountId]);
    return rows[0] ? accountView(rows[0]) : null;
  }

  private knownId(accountId: string): string {
    if (!isUuid(accountId)) throw new LedgerError('NOT_FOUND', `no ledger account ${accountId}`);
    return accountId;
  }
}

/** Every account exists, in the posting's organisation, in one currency. */
function checkAccounts(input: PostingInput, ids: string[], accounts: AccountRow[]): void {
  const missing = ids.filter((id) => !accounts.some((account) => account.id === id));
  if (missing.length) throw new LedgerError('NOT_FOUND', `posting refused: no ledger account ${missing.join(', ')}`);
  if (accounts.some((account) => account.organisation_id !== input.organisationId)) {
    throw new LedgerError('BAD_USER_INPUT', "posting refused: an account is not in the posting's organisation");
  }
  const currencies = new Set(accounts.map((account) => account.currency));
  if (currencies.size > 1) throw new LedgerError('BAD_USER_INPUT', `posting refused: accounts in ${[...currencies].sort().join(' and ')}`);
}
