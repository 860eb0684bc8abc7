import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../database/orm.js';
import { LedgerError } from './errors.js';
import { assertCurrency, assertMinor, checkPosting, entriesShape, isUuid, type PostingEntry } from './posting.js';

/** A session paid from the driver's wallet (see Ledger.chargeWallet): `amountMinor` tax included, `taxMinor` the tax in it. */
export interface WalletCharge {
  organisationId: string;
  userId: string;
  currency: string;
  sessionId: string;
  amountMinor: number;
  taxMinor: number;
  actor?: string | null;
}

/** charged: posted now; replayed: its session had been charged before; insufficient: the wallet lacks the money, nothing written. */
export type WalletChargeOutcome = 'charged' | 'replayed' | 'insufficient';

interface Accounts {
  wallets: Map<string, string>;
  revenue: string;
  tax: string;
}

interface Charge {
  input: WalletCharge;
  key: string;
  entries: PostingEntry[];
}

/** The idempotency key of a session's charge: once per session, whichever path posts it. */
export const sessionChargeKey = (sessionId: string) => `session:${sessionId}`;

/** The posting of a charge: the wallet pays the whole, revenue gets it less tax, tax_payable the tax. */
export function chargeEntries(charge: { amountMinor: number; taxMinor: number }, walletId: string, revenueId: string, taxId: string) {
  const netMinor = charge.amountMinor - charge.taxMinor;
  return [
    { accountId: walletId, amountMinor: -charge.amountMinor },
    ...(netMinor > 0 ? [{ accountId: revenueId, amountMinor: netMinor }] : []),
    ...(charge.taxMinor > 0 ? [{ accountId: taxId, amountMinor: charge.taxMinor }] : []),
  ];
}

export function checkCharge(input: { amountMinor: number; taxMinor: number }): void {
  assertMinor('amountMinor', input.amountMinor);
  assertMinor('taxMinor', input.taxMinor, { zero: true });
  if (input.taxMinor > input.amountMinor) throw new LedgerError('BAD_USER_INPUT', 'taxMinor: more than the amount it is part of');
}

/**
 * Charges many sessions to their drivers' wallets, one transaction per operator and currency, with the guarantees
 * of one chargeWallet each: once per session (a repeat is `replayed`, and refused when it differs), balanced, and
 * never below a wallet's credit limit however many postings run at once. A wallet that cannot pay a charge leaves
 * that charge unwritten (`insufficient`); the wallet's other charges of the batch are taken in order while it can.
 */
export async function chargeWallets(orm: Orm, inputs: WalletCharge[]): Promise<WalletChargeOutcome[]> {
  for (const input of inputs) {
    if (!isUuid(input.organisationId) || !isUuid(input.userId))
      throw new LedgerError('BAD_USER_INPUT', 'organisationId, userId: not UUIDs');
    assertCurrency(input.currency);
    checkCharge(input);
  }
  const outcomes = new Map<string, WalletChargeOutcome>();
  const groups = new Map<string, WalletCharge[]>();
  for (const input of inputs) {
    const group = `${input.organisationId} ${input.currency}`;
    const members = groups.get(group);
    if (members) members.push(input);
    else groups.set(group, [input]);
  }
  for (const group of groups.values()) {
    const { organisationId, currency } = group[0] as WalletCharge;
    const accounts = await accountsFor(orm, organisationId, currency, group);
    const charges = uniqueCharges(group, accounts);
    const posted = await orm.em.fork().transactional((em) => postCharges(em, organisationId, charges));
    for (const [key, outcome] of posted) outcomes.set(key, outcome);
  }
  // A session named twice in one batch was charged by its first mention: the second is its repeat.
  const seen = new Set<string>();
  return inputs.map((input) => {
    const key = sessionChargeKey(input.sessionId);
    const outcome = outcomes.get(key) ?? 'insufficient';
    const repeat = seen.has(key) && outcome === 'charged';
    seen.add(key);
    return repeat ? 'replayed' : outcome;
  });
}

function uniqueCharges(group: WalletCharge[], accounts: Accounts): Charge[] {
  const byKey = new Map<string, Charge>();
  for (const input of group) {
    const key = sessionChargeKey(input.sessionId);
    const entries = chargeEntries(input, accounts.wallets.get(input.userId) as string, accounts.revenue, accounts.tax);
    const earlier = byKey.get(key);
    if (earlier && entriesShape(earlier.entries) !== entriesShape(entries)) {
      throw new LedgerError('CONFLICT', `session ${input.sessionId} is charged twice in one batch, with other entries`);
    }
    if (earlier) continue;
    checkPosting({ organisationId: input.organisationId, kind: 'session-charge', idempotencyKey: key, entries });
    byKey.set(key, { input, key, entries });
  }
  return [...byKey.values()];
}

/** The wallets of these drivers and the operator's revenue and tax accounts in a currency, created on first use. */
async function accountsFor(orm: Orm, organisationId: string, currency: string, charges: WalletCharge[]): Promise<Accounts> {
  const sql = orm.em.fork().getConnection();
  const owners = [...new Set(charges.map((charge) => charge.userId))];
  const find = async () => {
    const rows = await sql.execute<{ id: string; kind: string; owner_id: string | null }[]>(
      `select id, kind, owner_id from ledger_account where organisation_id = ? and currency = ?
         and ((kind in ('revenue', 'tax_payable') and owner_id is null) or (kind = 'wallet' and owner_id in (?)))`,
      [organisationId, currency, owners],
    );
    const wallets = new Map(rows.filter((row) => row.kind === 'wallet').map((row) => [row.owner_id as string, row.id]));
    const revenue = rows.find((row) => row.kind === 'revenue')?.id;
    const tax = rows.find((row) => row.kind === 'tax_payable')?.id;
    return { wallets, revenue, tax };
  };
  let found = await find();
  const missing = owners.filter((owner) => !found.wallets.has(owner));
  if (missing.length || !found.revenue || !found.tax) {
    const kinds = [...missing.map(() => 'wallet'), 'revenue', 'tax_payable'];
    // '' for no owner: the parameters are inlined into the statement, where an array cannot hold a bare null.
    await sql.execute(
      `insert into ledger_account (id, organisation_id, kind, owner_id, currency, created_at)
       select gen_random_uuid(), ?, k.kind, nullif(k.owner_id, '')::uuid, ?, now()
       from unnest(array[?]::text[], array[?]::text[]) as k (kind, owner_id)
       on conflict do nothing`,
      [organisationId, currency, kinds, [...missing, '', '']],
    );
    found = await find();
  }
  if (!found.revenue || !found.tax || owners.some((owner) => !found.wallets.has(owner))) {
    throw new Error('ledger: accounts vanished between insert and select');
  }
  return { wallets: found.wallets, revenue: found.revenue, tax: found.tax };
}

interface LockedAccount {
  id: string;
  kind: string;
  balance_minor: string;
  credit_limit_minor: string;
}

/**
 * In the caller's transaction: the charges' keys first (in key order; a key another posting holds waits for it,
 * then counts as replayed), then their accounts locked in id order, as Ledger.post does, so that no two postings
 * wait on each other in a cycle. What a wallet cannot pay is taken back before any entry is written.
 */
async function postCharges(em: EntityManager, organisationId: string, charges: Charge[]): Promise<Map<string, WalletChargeOutcome>> {
  const outcomes = new Map<string, WalletChargeOutcome>();
  if (charges.length === 0) return outcomes;
  const inKeyOrder = [...charges].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inserted = await em.execute<{ id: string; idempotency_key: string }[]>(
    `insert into ledger_transaction (id, organisation_id, kind, idempotency_key, reference, description, actor, created_at)
     values ${inKeyOrder.map(() => "(gen_random_uuid(), ?, 'session-charge', ?, ?, null, ?, now())").join(', ')}
     on conflict (idempotency_key) do nothing returning id, idempotency_key`,
    inKeyOrder.flatMap((charge) => [organisationId, charge.key, charge.input.sessionId, charge.input.actor ?? null]),
  );
  const created = new Map(inserted.map((row) => [row.idempotency_key, row.id]));
  const repeats = charges.filter((charge) => !created.has(charge.key));
  await checkRepeats(em, organisationId, repeats);
  for (const charge of repeats) outcomes.set(charge.key, 'replayed');

  const fresh = charges.filter((charge) => created.has(charge.key));
  if (fresh.length === 0) return outcomes;
  const ids = [...new Set(fresh.flatMap((charge) => charge.entries.map((entry) => entry.accountId)))];
  const locked = await em.execute<LockedAccount[]>(
    'select id, kind, balance_minor, credit_limit_minor from ledger_account where id in (?) order by id for update',
    [ids],
  );
  const { accepted, refused } = affordable(fresh, locked);
  for (const charge of refused) outcomes.set(charge.key, 'insufficient');
  if (refused.length) {
    await em.execute('delete from ledger_transaction where id in (?)', [refused.map((charge) => created.get(charge.key))]);
  }
  if (accepted.length === 0) return outcomes;
  const entries = accepted.flatMap((charge) =>
    charge.entries.map((entry) => [created.get(charge.key), entry.accountId, entry.amountMinor]),
  );
  await em.execute(
    `insert into ledger_entry (transaction_id, account_id, amount_minor, created_at) values ${entries.map(() => '(?, ?, ?, now())').join(', ')}`,
    entries.flat(),
  );
  await applyBalances(em, accepted);
  for (const charge of accepted) outcomes.set(charge.key, 'charged');
  return outcomes;
}

/** Charges in order, each while its wallet (balance down to minus its credit limit) can still pay it. */
function affordable(charges: Charge[], locked: LockedAccount[]): { accepted: Charge[]; refused: Charge[] } {
  const room = new Map(
    locked.filter((account) => account.kind === 'wallet').map((a) => [a.id, BigInt(a.balance_minor) + BigInt(a.credit_limit_minor)]),
  );
  const accepted: Charge[] = [];
  const refused: Charge[] = [];
  for (const charge of charges) {
    const wallet = charge.entries[0] as PostingEntry;
    const left = (room.get(wallet.accountId) ?? 0n) + BigInt(wallet.amountMinor);
    if (left < 0n) refused.push(charge);
    else {
      room.set(wallet.accountId, left);
      accepted.push(charge);
    }
  }
  return { accepted, refused };
}

/** Each account's cached balance moves by the sum of its entries; a wallet's never below minus its credit limit. */
async function applyBalances(em: EntityManager, charges: Charge[]): Promise<void> {
  const deltas = new Map<string, number>();
  for (const entry of charges.flatMap((charge) => charge.entries)) {
    deltas.set(entry.accountId, (deltas.get(entry.accountId) ?? 0) + entry.amountMinor);
  }
  const moved = [...deltas].filter(([, delta]) => delta !== 0);
  const updated = await em.execute<{ id: string }[]>(
    `update ledger_account a set balance_minor = a.balance_minor + d.delta
     from unnest(array[?]::uuid[], array[?]::bigint[]) as d (id, delta)
     where a.id = d.id and (a.kind <> 'wallet' or d.delta >= 0 or a.balance_minor + d.delta >= -a.credit_limit_minor) returning a.id`,
    [moved.map(([id]) => id), moved.map(([, delta]) => delta)],
  );
  if (updated.length !== moved.length) throw new Error('ledger: a wallet would have gone below its credit limit; nothing written');
}

/** A key posted before must have been posted with the same entries: a repeat that differs is refused, as in Ledger.post. */
async function checkRepeats(em: EntityManager, organisationId: string, repeats: Charge[]): Promise<void> {
  if (repeats.length === 0) return;
  const rows = await em.execute<
    { idempotency_key: string; organisation_id: string; kind: string; account_id: string; amount_minor: string }[]
  >(
    `select t.idempotency_key, t.organisation_id, t.kind, e.account_id, e.amount_minor
     from ledger_transaction t join ledger_entry e on e.transaction_id = t.id where t.idempotency_key in (?)`,
    [repeats.map((charge) => charge.key)],
  );
  for (const charge of repeats) {
    const first = rows.filter((row) => row.idempotency_key === charge.key);
    const posted = first.map((row) => ({ accountId: row.account_id, amountMinor: Number(row.amount_minor) }));
    const same = first.every((row) => row.organisation_id === organisationId && row.kind === 'session-charge');
    if (!same || entriesShape(posted) !== entriesShape(charge.entries)) {
      throw new LedgerError('CONFLICT', `idempotency key ${charge.key} was posted already, with other entries`);
    }
  }
}
