import { Migration } from '@mikro-orm/migrations';

/** Firmware images, campaigns rolling them out and each station of a campaign. */
export class Migration20261204151000_firmware extends Migration {

  override name = 'Migration20261204151000_firmware';

  override up(): void | Promise<void> {
    this.addSql(`create table "firmware_image" ("id" uuid not null, "organisation_id" uuid null, "version" varchar(255) not null, "models" jsonb not null default '[]', "file_name" varchar(255) not null, "size" bigint not null, "sha256" varchar(64) not null, "storage_key" text not null, "uploaded_by" varchar(255) null, "uploaded_at" timestamptz not null, "retired_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "firmware_image_organisation_id_index" on "firmware_image" ("organisation_id");`);
    this.addSql(`create table "firmware_campaign" ("id" uuid not null, "organisation_id" uuid not null, "image_id" uuid not null, "name" varchar(255) not null, "target" jsonb not null, "window_start" timestamptz not null, "window_end" timestamptz null, "concurrency" int not null, "failure_threshold" int not null, "max_attempts" int not null, "state" text not null default 'scheduled', "paused_reason" text null, "created_by" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "firmware_campaign_organisation_id_index" on "firmware_campaign" ("organisation_id");`);
    this.addSql(`create table "firmware_campaign_station" ("campaign_id" uuid not null, "station_id" uuid not null, "state" text not null default 'pending', "attempts" int not null default 0, "last_status" varchar(255) null, "last_error" text null, "sent_at" timestamptz null, "updated_at" timestamptz not null, primary key ("campaign_id", "station_id"));`);
    this.addSql(`create index "firmware_campaign_station_station_id_state_index" on "firmware_campaign_station" ("station_id", "state");`);
    this.addSql(`alter table "firmware_image" add constraint "firmware_image_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "firmware_campaign" add constraint "firmware_campaign_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "firmware_campaign" add constraint "firmware_campaign_image_id_foreign" foreign key ("image_id") references "firmware_image" ("id");`);
    this.addSql(`alter table "firmware_campaign" add constraint "firmware_campaign_state_check" check ("state" in ('scheduled', 'running', 'paused', 'completed', 'cancelled'));`);
    this.addSql(`alter table "firmware_campaign_station" add constraint "firmware_campaign_station_campaign_id_foreign" foreign key ("campaign_id") references "firmware_campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "firmware_campaign_station" add constraint "firmware_campaign_station_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "firmware_campaign_station" add constraint "firmware_campaign_station_state_check" check ("state" in ('pending', 'sent', 'downloading', 'downloaded', 'installing', 'installed', 'done', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "firmware_campaign_station" cascade;`);
    this.addSql(`drop table if exists "firmware_campaign" cascade;`);
    this.addSql(`drop table if exists "firmware_image" cascade;`);
  }

}
