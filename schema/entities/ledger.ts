import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { User } from './user.js';

/**
 * What a ledger account holds. `wallet`: a driver's prepaid money (the operator owes it); `revenue`; `tax_payable`;
 * `provider_clearing`: money a payment provider has taken and not yet paid out; `receivable`: invoices owed;
 * `adjustment`: the other side of manual credits and corrections.
 */
export const ledgerAccountKinds = ['wallet', 'revenue', 'tax_payable', 'provider_clearing', 'receivable', 'adjustment'] as const;
export type LedgerAccountKind = (typeof ledgerAccountKinds)[number];

/**
 * An account in an operator's books, one per (organisation, kind, owner, currency). Its balance is credits minus
 * debits (entries are credit-positive); `balanceMinor` caches the sum of its entries, updated in the transaction
 * that writes them. Money in integer minor units of an ISO 4217 currency.
 */
export const LedgerAccountSchema = defineEntity({
  name: 'LedgerAccount',
  indexes: [
    {
      // One account per (organisation, kind, owner, currency); accounts without an owner count as one owner.
      name: 'ledger_account_owner_unique',
      expression: `create unique index "ledger_account_owner_unique" on "ledger_account" ("organisation_id", "kind", coalesce("owner_id", '00000000-0000-0000-0000-000000000000'), "currency")`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation),
    kind: p.enum(ledgerAccountKinds),
    /** The driver whose wallet this is; null for the operator's own accounts. */
    owner: () => p.manyToOne(User).nullable().index().deleteRule('no action'),
    currency: p.character().length(3),
    /** How far below zero a wallet may go (0: never). */
    creditLimitMinor: p.bigint('number').default(0).check('credit_limit_minor >= 0'),
    /** Who set the credit limit last (a user id), and when. */
    creditLimitSetBy: p.string().nullable(),
    creditLimitSetAt: p.datetime().nullable(),
    balanceMinor: p.bigint('number').default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class LedgerAccount extends LedgerAccountSchema.class {}
LedgerAccountSchema.setClass(LedgerAccount);

/** One posting: entries that sum to zero. Its idempotency key makes a retried posting return the first. */
export const LedgerTransactionSchema = defineEntity({
  name: 'LedgerTransaction',
  indexes: [{ properties: ['organisation', 'createdAt'] }, { properties: ['reference'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation),
    /** session-charge, top-up, manual-credit, refund, ... */
    kind: p.string(),
    idempotencyKey: p.string().unique(),
    /** What it is about: a session, invoice or payment id. */
    reference: p.string().nullable(),
    description: p.text().nullable(),
    /** The user who made it; null for the system. */
    actor: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class LedgerTransaction extends LedgerTransactionSchema.class {}
LedgerTransactionSchema.setClass(LedgerTransaction);

/**
 * One line of a posting: `amountMinor` > 0 credits the account, < 0 debits it. Append-only: a trigger refuses
 * UPDATE and DELETE; a mistake is corrected by a new posting.
 */
export const LedgerEntrySchema = defineEntity({
  name: 'LedgerEntry',
  indexes: [{ properties: ['account', 'id'] }],
  triggers: [
    {
      name: 'append_only',
      timing: 'before',
      events: ['update', 'delete'],
      body: `raise exception 'ledger_entry is append-only: % refused', tg_op using errcode = 'restrict_violation';`,
    },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    transaction: () => p.manyToOne(LedgerTransaction).index(),
    account: () => p.manyToOne(LedgerAccount),
    amountMinor: p.bigint('number').check('amount_minor <> 0'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class LedgerEntry extends LedgerEntrySchema.class {}
LedgerEntrySchema.setClass(LedgerEntry);
