import { Migration } from '@mikro-orm/migrations';

/** Drivers' customers at card providers (a Stripe customer per driver): the saved cards stay at the provider. */
export class Migration20261204140000_stripe extends Migration {

  override name = 'Migration20261204140000_stripe';

  override up(): void | Promise<void> {
    this.addSql(`create table "payment_customer" ("id" uuid not null, "user_id" uuid not null, "provider" text not null, "customer_id" varchar(255) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_provider_unique" unique ("user_id", "provider");`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_provider_customer_id_unique" unique ("provider", "customer_id");`);

    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_provider_check" check ("provider" in ('momo', 'airtel', 'stripe', 'wallet'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "payment_customer" cascade;`);
  }

}
