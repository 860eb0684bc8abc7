import { Migration } from '@mikro-orm/migrations';

/** SecurityEventNotification (OCPP 1.6 security extension): every event a station reports, as sent. */
export class Migration20261127043000_security_events extends Migration {
  override name = 'Migration20261127043000_security_events';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "security_event" ("id" bigserial primary key, "station_id" uuid not null, "type" varchar(255) not null, "tech_info" varchar(255) null, "station_timestamp" timestamptz null, "received_at" timestamptz not null);`,
    );
    this.addSql(`create index "security_event_station_id_received_at_index" on "security_event" ("station_id", "received_at");`);
    this.addSql(
      `alter table "security_event" add constraint "security_event_station_id_foreign" foreign key ("station_id") references "station" ("id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "security_event" cascade;`);
  }
}
