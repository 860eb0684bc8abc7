import { Migration } from '@mikro-orm/migrations';

export class Migration20261126155430_initial extends Migration {

  override name = 'Migration20261126155430_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "auth_decision" ("id" bigserial primary key, "id_tag" varchar(255) not null, "station_id" uuid null, "purpose" varchar(255) not null, "status" varchar(255) not null, "reason" varchar(255) not null, "decided_at" timestamptz not null);`);
    this.addSql(`create index "auth_decision_id_tag_decided_at_index" on "auth_decision" ("id_tag", "decided_at");`);
    this.addSql(`create index "auth_decision_decided_at_index" on "auth_decision" ("decided_at");`);

    this.addSql(`create table "email_outbox" ("id" bigserial primary key, "to" varchar(255) not null, "template" varchar(255) not null, "data" jsonb not null, "attempts" int not null default 0, "last_error" text null, "sent_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "email_outbox_sent_at_created_at_index" on "email_outbox" ("sent_at", "created_at");`);

    this.addSql(`create table "organisation" ("id" uuid not null, "name" varchar(255) not null, "slug" varchar(255) not null, "registration_policy" text not null default 'reject', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "organisation" add constraint "organisation_slug_unique" unique ("slug");`);

    this.addSql(`create table "site" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(255) not null, "address" varchar(255) null, "city" varchar(255) null, "country" varchar(2) null, "latitude" double precision null, "longitude" double precision null, "grid_limit_kw" int null, "time_zone" varchar(255) not null default 'UTC', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "site_organisation_id_index" on "site" ("organisation_id");`);

    this.addSql(`create table "station" ("id" uuid not null, "identity" varchar(48) not null, "name" varchar(255) null, "organisation_id" uuid null, "site_id" uuid null, "security_profile" smallint not null default 1, "password_salt" varchar(255) null, "password_hash" varchar(255) null, "registration_status" text not null default 'Accepted', "vendor" varchar(255) null, "model" varchar(255) null, "charge_point_serial" varchar(255) null, "charge_box_serial" varchar(255) null, "firmware_version" varchar(255) null, "iccid" varchar(255) null, "imsi" varchar(255) null, "meter_type" varchar(255) null, "meter_serial" varchar(255) null, "ocpp_version" varchar(255) null, "last_boot_at" timestamptz null, "last_seen_at" timestamptz null, "online" boolean not null default false, "gateway_node" varchar(255) null, "diagnostics_status" varchar(255) null, "diagnostics_status_at" timestamptz null, "firmware_status" varchar(255) null, "firmware_status_at" timestamptz null, "local_list_version" int not null default 0, "retired_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "station" add constraint "station_identity_unique" unique ("identity");`);
    this.addSql(`create index "station_organisation_id_index" on "station" ("organisation_id");`);
    this.addSql(`create index "station_site_id_index" on "station" ("site_id");`);
    this.addSql(`create index "station_organisation_active_index" on "station" ("organisation_id", "identity") where "retired_at" is null;`);

    this.addSql(`create table "reservation" ("id" serial primary key, "station_id" uuid not null, "connector_id" int not null, "id_tag" varchar(255) not null, "parent_id_tag" varchar(255) null, "expires_at" timestamptz not null, "status" varchar(255) not null default 'Requested', "transaction_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "reservation_station_id_status_index" on "reservation" ("station_id", "status");`);

    this.addSql(`create table "connector" ("id" uuid not null, "station_id" uuid not null, "connector_id" int not null, "status" varchar(255) not null default 'Unavailable', "error_code" varchar(255) not null default 'NoError', "info" varchar(255) null, "vendor_id" varchar(255) null, "vendor_error_code" varchar(255) null, "status_since" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "connector" add constraint "connector_station_id_connector_id_unique" unique ("station_id", "connector_id");`);

    this.addSql(`create table "configuration_key" ("id" bigserial primary key, "station_id" uuid not null, "key" varchar(255) not null, "value" text null, "readonly" boolean not null, "read_at" timestamptz not null);`);
    this.addSql(`alter table "configuration_key" add constraint "configuration_key_station_id_key_unique" unique ("station_id", "key");`);

    this.addSql(`create table "command_log" ("id" bigserial primary key, "station_id" uuid not null, "action" varchar(255) not null, "request" jsonb not null, "response" jsonb null, "outcome" varchar(255) not null, "error" text null, "actor" varchar(255) not null default 'system', "requested_at" timestamptz not null, "completed_at" timestamptz not null);`);
    this.addSql(`create index "command_log_station_id_requested_at_index" on "command_log" ("station_id", "requested_at");`);
    this.addSql(`create index "command_log_requested_at_index" on "command_log" ("requested_at");`);

    this.addSql(`create table "boot_event" ("id" bigserial primary key, "station_id" uuid not null, "vendor" varchar(255) not null, "model" varchar(255) not null, "charge_point_serial" varchar(255) null, "charge_box_serial" varchar(255) null, "firmware_version" varchar(255) null, "answered" varchar(255) not null, "received_at" timestamptz not null);`);
    this.addSql(`create index "boot_event_station_id_received_at_index" on "boot_event" ("station_id", "received_at");`);

    this.addSql(`create table "anomaly" ("id" bigserial primary key, "station_id" uuid not null, "transaction_id" int null, "kind" varchar(255) not null, "detail" jsonb not null, "received_at" timestamptz not null);`);
    this.addSql(`create index "anomaly_station_id_received_at_index" on "anomaly" ("station_id", "received_at");`);
    this.addSql(`create index "anomaly_transaction_id_index" on "anomaly" ("transaction_id");`);

    this.addSql(`create table "status_event" ("id" bigserial primary key, "station_id" uuid not null, "connector_id" int not null, "status" varchar(255) not null, "error_code" varchar(255) not null, "info" varchar(255) null, "vendor_id" varchar(255) null, "vendor_error_code" varchar(255) null, "station_timestamp" timestamptz null, "received_at" timestamptz not null);`);
    this.addSql(`create index "status_event_station_id_received_at_index" on "status_event" ("station_id", "received_at");`);

    this.addSql(`create table "tariff" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(255) not null, "currency" varchar(3) not null, "energy_price_minor_per_kwh" int not null default 0, "time_price_minor_per_hour" int not null default 0, "session_fee_minor" int not null default 0, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "tariff_organisation_id_index" on "tariff" ("organisation_id");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "email" varchar(255) not null, "password_hash" varchar(255) not null, "name" varchar(255) null, "phone" varchar(255) null, "language" varchar(8) not null default 'en', "role" text not null, "organisation_id" uuid null, "email_verified_at" timestamptz null, "deleted_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(`create index "app_user_organisation_id_index" on "app_user" ("organisation_id");`);

    this.addSql(`create table "refresh_token" ("id" uuid not null, "user_id" uuid not null, "family" uuid not null, "hash" varchar(255) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "replaced_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "refresh_token_user_id_index" on "refresh_token" ("user_id");`);
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_hash_unique" unique ("hash");`);
    this.addSql(`create index "refresh_token_family_index" on "refresh_token" ("family");`);

    this.addSql(`create table "one_time_token" ("id" uuid not null, "user_id" uuid not null, "purpose" text not null, "hash" varchar(255) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "one_time_token_user_id_index" on "one_time_token" ("user_id");`);
    this.addSql(`alter table "one_time_token" add constraint "one_time_token_hash_unique" unique ("hash");`);

    this.addSql(`create table "id_token" ("id" uuid not null, "value" varchar(255) not null, "type" text not null, "status" text not null default 'Accepted', "expires_at" timestamptz null, "parent_id" uuid null, "owner_id" uuid null, "organisation_id" uuid null, "max_concurrent" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "id_token" add constraint "id_token_value_unique" unique ("value");`);
    this.addSql(`create index "id_token_owner_id_index" on "id_token" ("owner_id");`);
    this.addSql(`create index "id_token_organisation_id_index" on "id_token" ("organisation_id");`);

    this.addSql(`create table "charging_transaction" ("id" serial primary key, "start_key" varchar(255) not null, "station_id" uuid not null, "connector_id" int not null, "id_tag" varchar(255) not null, "id_token_id" uuid null, "auth_status" varchar(255) not null, "reservation_id" int null, "state" text not null default 'Active', "meter_start_wh" bigint not null, "meter_stop_wh" bigint null, "started_at" timestamptz not null, "start_received_at" timestamptz not null, "stopped_at" timestamptz null, "stop_received_at" timestamptz null, "stop_reason" varchar(255) null, "stop_id_tag" varchar(255) null, "energy_wh" bigint null, "live_energy_wh" bigint null, "live_power_w" double precision null, "last_meter_at" timestamptz null, "flags" jsonb not null default '[]', "updated_at" timestamptz not null);`);
    this.addSql(`alter table "charging_transaction" add constraint "charging_transaction_start_key_unique" unique ("start_key");`);
    this.addSql(`create index "charging_transaction_station_id_state_index" on "charging_transaction" ("station_id", "state");`);
    this.addSql(`create index "charging_transaction_id_tag_state_index" on "charging_transaction" ("id_tag", "state");`);
    this.addSql(`create index "charging_transaction_started_at_index" on "charging_transaction" ("started_at");`);
    this.addSql(`create index "charging_transaction_id_token_id_index" on "charging_transaction" ("id_token_id");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(255) not null, "prefix" varchar(255) not null, "salt" varchar(255) not null, "hash" varchar(255) not null, "scopes" jsonb not null, "created_by_id" uuid null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, "expires_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "api_key_organisation_id_index" on "api_key" ("organisation_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);

    this.addSql(`alter table "organisation" add constraint "organisation_registration_policy_check" check ("registration_policy" in ('reject', 'pending'));`);

    this.addSql(`alter table "site" add constraint "site_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);

    this.addSql(`alter table "station" add constraint "station_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "station" add constraint "station_site_id_foreign" foreign key ("site_id") references "site" ("id") on delete set null;`);
    this.addSql(`alter table "station" add constraint "station_registration_status_check" check ("registration_status" in ('Accepted', 'Pending', 'Rejected'));`);

    this.addSql(`alter table "reservation" add constraint "reservation_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "connector" add constraint "connector_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "configuration_key" add constraint "configuration_key_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "command_log" add constraint "command_log_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "boot_event" add constraint "boot_event_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "anomaly" add constraint "anomaly_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "status_event" add constraint "status_event_station_id_foreign" foreign key ("station_id") references "station" ("id");`);

    this.addSql(`alter table "tariff" add constraint "tariff_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);

    this.addSql(`alter table "app_user" add constraint "app_user_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "app_user" add constraint "app_user_role_check" check ("role" in ('ADMIN', 'OPERATOR', 'PARTNER', 'DRIVER'));`);

    this.addSql(`alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`);

    this.addSql(`alter table "one_time_token" add constraint "one_time_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`);
    this.addSql(`alter table "one_time_token" add constraint "one_time_token_purpose_check" check ("purpose" in ('confirm-email', 'reset-password'));`);

    this.addSql(`alter table "id_token" add constraint "id_token_parent_id_foreign" foreign key ("parent_id") references "id_token" ("id") on delete set null;`);
    this.addSql(`alter table "id_token" add constraint "id_token_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "id_token" add constraint "id_token_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "id_token" add constraint "id_token_type_check" check ("type" in ('RFID', 'APP', 'CENTRAL', 'EMAID', 'KEY_CODE'));`);
    this.addSql(`alter table "id_token" add constraint "id_token_status_check" check ("status" in ('Accepted', 'Blocked', 'Expired'));`);

    this.addSql(`alter table "charging_transaction" add constraint "charging_transaction_station_id_foreign" foreign key ("station_id") references "station" ("id");`);
    this.addSql(`alter table "charging_transaction" add constraint "charging_transaction_id_token_id_foreign" foreign key ("id_token_id") references "id_token" ("id") on delete set null;`);
    this.addSql(`alter table "charging_transaction" add constraint "charging_transaction_state_check" check ("state" in ('Active', 'Completed'));`);

    this.addSql(`alter table "api_key" add constraint "api_key_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "site" drop constraint "site_organisation_id_foreign";`);
    this.addSql(`alter table "station" drop constraint "station_organisation_id_foreign";`);
    this.addSql(`alter table "tariff" drop constraint "tariff_organisation_id_foreign";`);
    this.addSql(`alter table "app_user" drop constraint "app_user_organisation_id_foreign";`);
    this.addSql(`alter table "id_token" drop constraint "id_token_organisation_id_foreign";`);
    this.addSql(`alter table "api_key" drop constraint "api_key_organisation_id_foreign";`);
    this.addSql(`alter table "station" drop constraint "station_site_id_foreign";`);
    this.addSql(`alter table "reservation" drop constraint "reservation_station_id_foreign";`);
    this.addSql(`alter table "connector" drop constraint "connector_station_id_foreign";`);
    this.addSql(`alter table "configuration_key" drop constraint "configuration_key_station_id_foreign";`);
    this.addSql(`alter table "command_log" drop constraint "command_log_station_id_foreign";`);
    this.addSql(`alter table "boot_event" drop constraint "boot_event_station_id_foreign";`);
    this.addSql(`alter table "anomaly" drop constraint "anomaly_station_id_foreign";`);
    this.addSql(`alter table "status_event" drop constraint "status_event_station_id_foreign";`);
    this.addSql(`alter table "charging_transaction" drop constraint "charging_transaction_station_id_foreign";`);
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_user_id_foreign";`);
    this.addSql(`alter table "one_time_token" drop constraint "one_time_token_user_id_foreign";`);
    this.addSql(`alter table "id_token" drop constraint "id_token_owner_id_foreign";`);
    this.addSql(`alter table "api_key" drop constraint "api_key_created_by_id_foreign";`);
    this.addSql(`alter table "id_token" drop constraint "id_token_parent_id_foreign";`);
    this.addSql(`alter table "charging_transaction" drop constraint "charging_transaction_id_token_id_foreign";`);

    this.addSql(`drop table if exists "auth_decision" cascade;`);
    this.addSql(`drop table if exists "email_outbox" cascade;`);
    this.addSql(`drop table if exists "organisation" cascade;`);
    this.addSql(`drop table if exists "site" cascade;`);
    this.addSql(`drop table if exists "station" cascade;`);
    this.addSql(`drop table if exists "reservation" cascade;`);
    this.addSql(`drop table if exists "connector" cascade;`);
    this.addSql(`drop table if exists "configuration_key" cascade;`);
    this.addSql(`drop table if exists "command_log" cascade;`);
    this.addSql(`drop table if exists "boot_event" cascade;`);
    this.addSql(`drop table if exists "anomaly" cascade;`);
    this.addSql(`drop table if exists "status_event" cascade;`);
    this.addSql(`drop table if exists "tariff" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "refresh_token" cascade;`);
    this.addSql(`drop table if exists "one_time_token" cascade;`);
    this.addSql(`drop table if exists "id_token" cascade;`);
    this.addSql(`drop table if exists "charging_transaction" cascade;`);
    this.addSql(`drop table if exists "api_key" cascade;`);
  }

}
