import { Migration } from '@mikro-orm/migrations';

/**
 * Payments: every attempt to take money through a provider (MTN MoMo, Airtel Money, Stripe, the wallet) is a
 * row, once per idempotency key, with the provider's reference, the amount, the state and the history of its
 * state changes. At most one payment of an invoice is under way at a time.
 */
export class Migration20261204100000_payments extends Migration {
  override name = 'Migration20261204100000_payments';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "payment_attempt" ("id" uuid not null, "organisation_id" uuid not null, "payer_user_id" uuid null,
         "payer_msisdn" varchar(32) null, "provider" text not null, "provider_reference" varchar(255) null,
         "provider_transaction_id" varchar(255) null, "idempotency_key" varchar(255) not null, "purpose" text not null,
         "invoice_id" uuid null, "amount_minor" bigint not null, "currency" char(3) not null, "state" text not null,
         "reason" varchar(255) null, "action" jsonb null, "captured_minor" bigint not null default '0',
         "refunded_minor" bigint not null default '0', "history" jsonb not null default '[]', "deadline_at" timestamptz null,
         "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"),
         constraint "payment_attempt_provider_check" check ("provider" in ('momo', 'airtel', 'stripe', 'wallet')),
         constraint "payment_attempt_purpose_check" check ("purpose" in ('wallet_top_up', 'invoice')),
         constraint "payment_attempt_amount_minor_check" check (amount_minor > 0),
         constraint "payment_attempt_state_check" check ("state" in ('pending', 'requires_action', 'authorised', 'captured', 'failed', 'refunded', 'cancelled')));`,
    );
    this.addSql(`alter table "payment_attempt" add constraint "payment_attempt_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(
      `alter table "payment_attempt" add constraint "payment_attempt_provider_provider_reference_unique" unique ("provider", "provider_reference");`,
    );
    this.addSql(`create index "payment_attempt_organisation_id_created_at_index" on "payment_attempt" ("organisation_id", "created_at");`);
    this.addSql(`create index "payment_attempt_payer_user_id_created_at_index" on "payment_attempt" ("payer_user_id", "created_at");`);
    this.addSql(
      `create index "payment_attempt_open_index" on "payment_attempt" ("deadline_at") where "state" in ('pending', 'requires_action', 'authorised');`,
    );
    this.addSql(
      `create unique index "payment_attempt_invoice_open_unique" on "payment_attempt" ("invoice_id") where "state" in ('pending', 'requires_action', 'authorised');`,
    );
    this.addSql(
      `alter table "payment_attempt" add constraint "payment_attempt_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`,
    );
    this.addSql(
      `alter table "payment_attempt" add constraint "payment_attempt_payer_user_id_foreign" foreign key ("payer_user_id") references "app_user" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "payment_attempt" add constraint "payment_attempt_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete set null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "payment_attempt" cascade;`);
  }
}
