import { Migration } from '@mikro-orm/migrations';

/**
 * The double-entry ledger: accounts (wallets and the operator's own), transactions (postings, one per idempotency
 * key) and their entries, credit-positive, summing to zero per transaction. Entries are append-only: a trigger
 * refuses UPDATE, DELETE and TRUNCATE of `ledger_entry`, so a correction is always a new posting.
 */
export class Migration20261203100000_ledger extends Migration {
  override name = 'Migration20261203100000_ledger';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ledger_account" ("id" uuid not null, "organisation_id" uuid not null, "kind" text not null, "owner_id" uuid null,
         "currency" char(3) not null, "credit_limit_minor" bigint not null default '0', "credit_limit_set_by" varchar(255) null,
         "credit_limit_set_at" timestamptz null, "balance_minor" bigint not null default '0',
         "created_at" timestamptz not null, primary key ("id"),
         constraint "ledger_account_kind_check" check ("kind" in ('wallet', 'revenue', 'tax_payable', 'provider_clearing', 'receivable', 'adjustment')),
         constraint "ledger_account_credit_limit_minor_check" check (credit_limit_minor >= 0));`,
    );
    this.addSql(`create index "ledger_account_owner_id_index" on "ledger_account" ("owner_id");`);
    this.addSql(
      `create unique index "ledger_account_owner_unique" on "ledger_account"
         ("organisation_id", "kind", coalesce("owner_id", '00000000-0000-0000-0000-000000000000'), "currency");`,
    );
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`,
    );
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on delete no action;`,
    );

    this.addSql(
      `create table "ledger_transaction" ("id" uuid not null, "organisation_id" uuid not null, "kind" varchar(255) not null,
         "idempotency_key" varchar(255) not null, "reference" varchar(255) null, "description" text null, "actor" varchar(255) null,
         "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "ledger_transaction" add constraint "ledger_transaction_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(
      `create index "ledger_transaction_organisation_id_created_at_index" on "ledger_transaction" ("organisation_id", "created_at");`,
    );
    this.addSql(`create index "ledger_transaction_reference_index" on "ledger_transaction" ("reference");`);
    this.addSql(
      `alter table "ledger_transaction" add constraint "ledger_transaction_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`,
    );

    this.addSql(
      `create table "ledger_entry" ("id" bigserial primary key, "transaction_id" uuid not null, "account_id" uuid not null,
         "amount_minor" bigint not null, "created_at" timestamptz not null,
         constraint "ledger_entry_amount_minor_check" check (amount_minor <> 0));`,
    );
    this.addSql(`create index "ledger_entry_transaction_id_index" on "ledger_entry" ("transaction_id");`);
    this.addSql(`create index "ledger_entry_account_id_id_index" on "ledger_entry" ("account_id", "id");`);
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_transaction_id_foreign" foreign key ("transaction_id") references "ledger_transaction" ("id");`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_account_id_foreign" foreign key ("account_id") references "ledger_account" ("id");`,
    );

    // The row trigger is the entity's (MikroORM compares it); TRUNCATE has its own, which MikroORM does not see.
    this.addSql(
      `create or replace function "ledger_entry_append_only_fn"() returns trigger as $$ begin raise exception 'ledger_entry is append-only: % refused', tg_op using errcode = 'restrict_violation'; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "append_only" BEFORE UPDATE OR DELETE on "ledger_entry" for each ROW execute function "ledger_entry_append_only_fn"();`,
    );
    this.addSql(
      `create function "ledger_entry_no_truncate_fn"() returns trigger as $$ begin raise exception 'ledger_entry is append-only: TRUNCATE refused' using errcode = 'restrict_violation'; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "no_truncate" before truncate on "ledger_entry" for each statement execute function "ledger_entry_no_truncate_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table "ledger_entry";`);
    this.addSql(`drop function "ledger_entry_append_only_fn"();`);
    this.addSql(`drop function "ledger_entry_no_truncate_fn"();`);
    this.addSql(`drop table "ledger_transaction";`);
    this.addSql(`drop table "ledger_account";`);
  }
}
