import { Migration } from '@mikro-orm/migrations';

export class Migration20261205130000_reports extends Migration {

  override name = 'Migration20261205130000_reports';

  override up(): void | Promise<void> {
    this.addSql(`create table "report" ("id" uuid not null, "organisation_id" uuid null, "kind" text not null, "format" text not null, "scope_kind" varchar(255) not null, "scope_id" varchar(255) null, "time_zone" varchar(255) not null, "period_from" timestamptz not null, "period_to" timestamptz not null, "state" text not null default 'queued', "stage" varchar(255) not null default 'queued', "percent" int not null default 0, "error" text null, "file_key" varchar(255) null, "file_size" int null, "schedule_key" varchar(255) null, "requested_by" varchar(255) not null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "report" add constraint "report_schedule_key_unique" unique ("schedule_key");`);
    this.addSql(`create index "report_organisation_id_created_at_index" on "report" ("organisation_id", "created_at");`);

    this.addSql(`create table "report_subscription" ("organisation_id" uuid not null, "kind" text not null, "emails" jsonb not null default '[]', "updated_at" timestamptz not null, primary key ("organisation_id", "kind"));`);

    this.addSql(`alter table "report" add constraint "report_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "report" add constraint "report_kind_check" check ("kind" in ('MONTHLY_OPERATOR', 'WEEKLY_STATION_HEALTH', 'NEVI_QUARTERLY'));`);
    this.addSql(`alter table "report" add constraint "report_format_check" check ("format" in ('CSV', 'PDF'));`);
    this.addSql(`alter table "report" add constraint "report_state_check" check ("state" in ('queued', 'running', 'done', 'failed'));`);

    this.addSql(`alter table "report_subscription" add constraint "report_subscription_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "report_subscription" add constraint "report_subscription_kind_check" check ("kind" in ('MONTHLY_OPERATOR', 'WEEKLY_STATION_HEALTH', 'NEVI_QUARTERLY'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "report" cascade;`);
    this.addSql(`drop table if exists "report_subscription" cascade;`);
  }

}
