import { Migration } from '@mikro-orm/migrations';

/** Configuration baselines per (organisation, model) with the model's rated power; the commands sent from alerts; sessions whose meter went wrong. */
export class Migration20261205110000_baselines extends Migration {

  override name = 'Migration20261205110000_baselines';

  override up(): void | Promise<void> {
    this.addSql(`create table "configuration_baseline" ("id" uuid not null, "organisation_id" uuid not null, "model" varchar(255) not null, "keys" jsonb not null default '{}', "max_power_w" int null, "updated_by" varchar(255) null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create unique index "configuration_baseline_organisation_model_unique" on "configuration_baseline" ("organisation_id", lower("model"));`);

    this.addSql(`create table "alert_action" ("id" bigserial primary key, "alert_id" uuid not null, "action" varchar(255) not null, "connector_id" int null, "request" jsonb not null, "response" jsonb null, "outcome" varchar(255) not null, "error" text null, "actor" varchar(255) not null, "acted_at" timestamptz not null);`);
    this.addSql(`create index "alert_action_alert_id_index" on "alert_action" ("alert_id");`);

    this.addSql(`create index "charging_session_meter_trouble_index" on "charging_session" ("stopped_at") where (flags @> '["energy-decreased"]'::jsonb or flags @> '["negative-energy"]'::jsonb or flags @> '["meter-reset"]'::jsonb);`);

    this.addSql(`alter table "configuration_baseline" add constraint "configuration_baseline_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete cascade;`);

    this.addSql(`alter table "alert_action" add constraint "alert_action_alert_id_foreign" foreign key ("alert_id") references "alert" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "configuration_baseline" cascade;`);
    this.addSql(`drop table if exists "alert_action" cascade;`);
    this.addSql(`drop index "charging_session_meter_trouble_index";`);
  }

}
