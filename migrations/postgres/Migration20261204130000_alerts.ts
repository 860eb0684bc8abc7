import { Migration } from '@mikro-orm/migrations';

/** Alerts (one unresolved per station, kind and cause), organisations' alert settings, boot events by time for the boot-loop rule. */
export class Migration20261204130000_alerts extends Migration {

  override name = 'Migration20261204130000_alerts';

  override up(): void | Promise<void> {
    this.addSql(`create table "alert_settings" ("organisation_id" uuid not null, "thresholds" jsonb not null default '{}', "emails" jsonb not null default '[]', "updated_by" varchar(255) null, "updated_at" timestamptz not null, primary key ("organisation_id"));`);

    this.addSql(`create table "alert" ("id" uuid not null, "organisation_id" uuid not null, "station_id" uuid not null, "kind" varchar(255) not null, "cause_key" varchar(255) not null, "severity" text not null, "state" text not null default 'open', "message" text not null, "details" jsonb not null default '{}', "raised_at" timestamptz not null, "acknowledged_at" timestamptz null, "acknowledged_by" varchar(255) null, "resolved_at" timestamptz null, "resolved_by" varchar(255) null, "resolution" varchar(255) null, primary key ("id"));`);
    this.addSql(`create index "alert_organisation_id_raised_at_index" on "alert" ("organisation_id", "raised_at");`);
    this.addSql(`create index "alert_station_id_raised_at_index" on "alert" ("station_id", "raised_at");`);
    this.addSql(`create index "alert_state_kind_index" on "alert" ("state", "kind");`);
    this.addSql(`create unique index "alert_open_cause_unique" on "alert" ("station_id", "kind", "cause_key") where "state" <> 'resolved';`);

    this.addSql(`create index "boot_event_received_at_index" on "boot_event" ("received_at");`);

    this.addSql(`alter table "alert_settings" add constraint "alert_settings_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "alert" add constraint "alert_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "alert" add constraint "alert_station_id_foreign" foreign key ("station_id") references "station" ("id");`);
    this.addSql(`alter table "alert" add constraint "alert_severity_check" check ("severity" in ('critical', 'major', 'minor', 'warning'));`);
    this.addSql(`alter table "alert" add constraint "alert_state_check" check ("state" in ('open', 'acknowledged', 'resolved'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "alert_settings" cascade;`);
    this.addSql(`drop table if exists "alert" cascade;`);

    this.addSql(`drop index "boot_event_received_at_index";`);
  }

}
