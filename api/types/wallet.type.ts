import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { HistoryEntry, LedgerAccountView } from '../../billing/ledger/ledger.js';

@ObjectType('Wallet', { description: "A driver's prepaid wallet with an operator, in one currency; money in minor units" })
export class WalletType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The operator it is held with' })
  organisationId!: string;

  @Field(() => ID)
  ownerId!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => Int, { description: 'Credits minus debits: what the driver has' })
  balanceMinor!: number;

  @Field(() => Int, { description: 'How far below zero the operator lets it go' })
  creditLimitMinor!: number;

  static from(account: LedgerAccountView): WalletType {
    return Object.assign(new WalletType(), { ...account, ownerId: account.ownerId as string });
  }
}

@ObjectType('WalletEntry', { description: 'One movement of a wallet: positive in, negative out' })
export class WalletEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String, { description: 'session-charge, manual-credit, top-up, refund, ...' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The session, invoice or payment it is for' })
  reference!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Date)
  at!: Date;

  static from(entry: HistoryEntry): WalletEntryType {
    return Object.assign(new WalletEntryType(), {
      id: entry.id,
      amountMinor: entry.amountMinor,
      kind: entry.transaction.kind,
      reference: entry.transaction.reference,
      description: entry.transaction.description,
      at: entry.createdAt,
    });
  }
}
