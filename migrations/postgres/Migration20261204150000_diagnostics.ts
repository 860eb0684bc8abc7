import { Migration } from '@mikro-orm/migrations';

/** Diagnostics and log uploads asked of stations: the one-time upload token (hashed), the state, the file stored. */
export class Migration20261204150000_diagnostics extends Migration {

  override name = 'Migration20261204150000_diagnostics';

  override up(): void | Promise<void> {
    this.addSql(`create table "diagnostics_request" ("id" uuid not null, "station_id" uuid not null, "organisation_id" uuid null, "kind" varchar(255) not null, "log_request_id" int null, "state" text not null default 'requested', "token_hash" varchar(64) not null, "token_spent_at" timestamptz null, "start_time" timestamptz null, "stop_time" timestamptz null, "requested_by" varchar(255) null, "requested_at" timestamptz not null, "deadline" timestamptz not null, "station_status" varchar(255) null, "reason" text null, "file_name" varchar(255) null, "size" bigint null, "sha256" varchar(64) null, "storage_key" text null, "uploaded_at" timestamptz null, "keep_until" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "diagnostics_request_organisation_id_index" on "diagnostics_request" ("organisation_id");`);
    this.addSql(`alter table "diagnostics_request" add constraint "diagnostics_request_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "diagnostics_request_station_id_requested_at_index" on "diagnostics_request" ("station_id", "requested_at");`);
    this.addSql(`create index "diagnostics_request_state_deadline_index" on "diagnostics_request" ("state", "deadline");`);
    this.addSql(`alter table "diagnostics_request" add constraint "diagnostics_request_station_id_foreign" foreign key ("station_id") references "station" ("id");`);
    this.addSql(`alter table "diagnostics_request" add constraint "diagnostics_request_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "diagnostics_request" add constraint "diagnostics_request_state_check" check ("state" in ('requested', 'accepted', 'uploading', 'uploaded', 'rejected', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "diagnostics_request" cascade;`);
  }

}
