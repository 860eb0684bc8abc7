import { Migration } from '@mikro-orm/migrations';

export class Migration20261204160000_analytics extends Migration {

  override name = 'Migration20261204160000_analytics';

  override up(): void | Promise<void> {
    this.addSql(`create table "outage_exclusion" ("id" uuid not null, "organisation_id" uuid not null, "station_id" uuid not null, "connector_id" int not null default 0, "cause" text not null, "started_at" timestamptz not null, "ended_at" timestamptz not null, "note" varchar(255) null, "recorded_by" varchar(255) not null, "recorded_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "outage_exclusion_station_id_started_at_index" on "outage_exclusion" ("station_id", "started_at");`);
    this.addSql(`create index "outage_exclusion_recorded_at_index" on "outage_exclusion" ("recorded_at");`);

    this.addSql(`alter table "outage_exclusion" add constraint "outage_exclusion_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "outage_exclusion" add constraint "outage_exclusion_station_id_foreign" foreign key ("station_id") references "station" ("id");`);
    this.addSql(`alter table "outage_exclusion" add constraint "outage_exclusion_cause_check" check ("cause" in ('utility-outage', 'vandalism', 'planned-maintenance', 'outside-operating-hours'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "outage_exclusion" cascade;`);
  }

}
