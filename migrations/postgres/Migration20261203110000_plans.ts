import { Migration } from '@mikro-orm/migrations';

/**
 * Subscription plans: a plan (a fee per month or year, energy included, a discount or a tariff of its own, limits,
 * the sites it covers), drivers' subscriptions to plans (one live per driver and operator), and one plan_usage row
 * per subscription period (the plan in force, the energy it includes and what sessions used, the fee and when it
 * was collected).
 */
export class Migration20261203110000_plans extends Migration {
  override name = 'Migration20261203110000_plans';

  override up(): void | Promise<void> {
    this.addSql(`create table "plan" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(255) not null, "interval" text not null, "currency" varchar(3) not null, "fee_minor" bigint not null, "taxes" jsonb not null default '[]', "included_energy_wh" bigint not null default '0', "discount_percent" varchar(255) null, "tariff_id" uuid null, "max_sessions_per_day" int null, "max_power_w" int null, "site_ids" jsonb not null default '[]', "archived_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "plan_organisation_id_index" on "plan" ("organisation_id");`);

    this.addSql(`create table "plan_subscription" ("id" uuid not null, "plan_id" uuid not null, "user_id" uuid not null, "organisation_id" uuid not null, "status" text not null default 'pending', "anchor_at" timestamptz not null, "period_index" int not null default 0, "current_period_start" timestamptz not null, "current_period_end" timestamptz not null, "cancel_at_period_end" boolean not null default false, "cancelled_at" timestamptz null, "ended_at" timestamptz null, "end_reason" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "plan_subscription_user_id_index" on "plan_subscription" ("user_id");`);
    this.addSql(`create index "plan_subscription_status_current_period_end_index" on "plan_subscription" ("status", "current_period_end");`);
    this.addSql(`create unique index "plan_subscription_live_unique" on "plan_subscription" ("user_id", "organisation_id") where "status" <> 'ended';`);

    this.addSql(`create table "plan_usage" ("id" uuid not null, "subscription_id" uuid not null, "plan_id" uuid not null, "period_index" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "included_wh" bigint not null, "used_wh" bigint not null default '0', "fee_minor" bigint not null, "fee_tax_minor" bigint not null, "paid_at" timestamptz null, "fee_transaction_id" uuid null, "changes" int not null default 0, "pending_change" jsonb null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "plan_usage" add constraint "plan_usage_subscription_id_period_index_unique" unique ("subscription_id", "period_index");`);

    this.addSql(`alter table "plan" add constraint "plan_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "plan" add constraint "plan_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on delete set null;`);
    this.addSql(`alter table "plan" add constraint "plan_interval_check" check ("interval" in ('month', 'year'));`);

    this.addSql(`alter table "plan_subscription" add constraint "plan_subscription_plan_id_foreign" foreign key ("plan_id") references "plan" ("id");`);
    this.addSql(`alter table "plan_subscription" add constraint "plan_subscription_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`);
    this.addSql(`alter table "plan_subscription" add constraint "plan_subscription_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "plan_subscription" add constraint "plan_subscription_status_check" check ("status" in ('pending', 'active', 'past_due', 'ended'));`);

    this.addSql(`alter table "plan_usage" add constraint "plan_usage_subscription_id_foreign" foreign key ("subscription_id") references "plan_subscription" ("id");`);
    this.addSql(`alter table "plan_usage" add constraint "plan_usage_plan_id_foreign" foreign key ("plan_id") references "plan" ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "plan_subscription" drop constraint "plan_subscription_plan_id_foreign";`);
    this.addSql(`alter table "plan_usage" drop constraint "plan_usage_plan_id_foreign";`);
    this.addSql(`alter table "plan_usage" drop constraint "plan_usage_subscription_id_foreign";`);

    this.addSql(`drop table if exists "plan" cascade;`);
    this.addSql(`drop table if exists "plan_subscription" cascade;`);
    this.addSql(`drop table if exists "plan_usage" cascade;`);
  }
}
