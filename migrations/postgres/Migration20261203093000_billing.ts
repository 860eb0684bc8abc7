import { Migration } from '@mikro-orm/migrations';

/**
 * Billing: tariffs get versions (OCPI 2.2.1 tariffs as JSON, immutable) and assignments (organisation, site,
 * station, connector, driver group); sessions record the version they are priced with and their billing state;
 * invoices with gap-free numbers per organisation. A tariff of the three numbers it had becomes version 1:
 * ENERGY per kWh, TIME per hour and a FLAT fee, the minor units read as major ones by the currency's exponent
 * (0 for RWF, JPY and the other zero-decimal currencies here, 3 for BHD, JOD, KWD, OMR, TND, 2 for the rest).
 */
export class Migration20261203093000_billing extends Migration {
  override name = 'Migration20261203093000_billing';

  override up(): void | Promise<void> {
    this.addSql(`create table "invoice_counter" ("organisation_id" uuid not null, "next" int not null default 1, primary key ("organisation_id"));`);
    this.addSql(`create table "tariff_version" ("id" uuid not null, "tariff_id" uuid not null, "version" int not null, "definition" jsonb not null, "valid_from" timestamptz not null, "valid_to" timestamptz null, "created_by" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_version_unique" unique ("tariff_id", "version");`);
    this.addSql(`create table "tariff_assignment" ("id" uuid not null, "tariff_id" uuid not null, "organisation_id" uuid not null, "site_id" uuid null, "station_id" uuid null, "connector_id" int null, "group_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "tariff_assignment_organisation_id_index" on "tariff_assignment" ("organisation_id");`);
    this.addSql(`create table "invoice" ("id" uuid not null, "organisation_id" uuid not null, "number" varchar(255) not null, "kind" text not null default 'invoice', "session_id" uuid null, "credit_of_id" uuid null, "payer_user_id" uuid null, "payer_organisation_id" uuid null, "currency" varchar(3) not null, "excl_tax_minor" bigint not null, "tax_minor" bigint not null, "incl_tax_minor" bigint not null, "priced" jsonb null, "tariff_version_id" uuid null, "status" text not null default 'open', "issued_at" timestamptz not null, "due_at" timestamptz not null, "paid_at" timestamptz null, "reason" varchar(255) null, primary key ("id"));`);
    this.addSql(`create index "invoice_payer_user_id_issued_at_index" on "invoice" ("payer_user_id", "issued_at");`);
    this.addSql(`create index "invoice_organisation_id_issued_at_index" on "invoice" ("organisation_id", "issued_at");`);
    this.addSql(`create unique index "invoice_session_unique" on "invoice" ("session_id") where "kind" = 'invoice';`);
    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_number_unique" unique ("organisation_id", "number");`);
    this.addSql(`alter table "charging_session" add "tariff_version_id" uuid null, add "billing_status" text not null default 'pending', add "billing_hold" varchar(255) null;`);
    this.addSql(`alter table "organisation" add "wallet_minimum_minor" bigint null, add "wallet_currency" varchar(3) null;`);
    // Sessions that ended before billing existed are not billed behind anyone's back: held, for an operator to release.
    this.addSql(`update "charging_session" set "billing_status" = 'held', "billing_hold" = 'ended before billing' where "state" = 'Completed';`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_tariff_version_id_foreign" foreign key ("tariff_version_id") references "tariff_version" ("id") on delete set null;`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_billing_status_check" check ("billing_status" in ('pending', 'billed', 'free', 'held'));`);
    this.addSql(`alter table "invoice_counter" add constraint "invoice_counter_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id");`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on delete cascade;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_site_id_foreign" foreign key ("site_id") references "site" ("id") on delete set null;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_station_id_foreign" foreign key ("station_id") references "station" ("id") on delete set null;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_group_id_foreign" foreign key ("group_id") references "id_token" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_credit_of_id_foreign" foreign key ("credit_of_id") references "invoice" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_payer_user_id_foreign" foreign key ("payer_user_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_payer_organisation_id_foreign" foreign key ("payer_organisation_id") references "organisation" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_tariff_version_id_foreign" foreign key ("tariff_version_id") references "tariff_version" ("id") on delete set null;`);
    this.addSql(`alter table "invoice" add constraint "invoice_kind_check" check ("kind" in ('invoice', 'credit_note'));`);
    this.addSql(`alter table "invoice" add constraint "invoice_status_check" check ("status" in ('open', 'paid', 'void'));`);
    this.addSql(
      `insert into "tariff_version" ("id", "tariff_id", "version", "definition", "valid_from", "created_at")
       select gen_random_uuid(), t."id", 1, jsonb_build_object(
           'currency', t."currency", 'type', 'REGULAR', 'altText', '[]'::jsonb, 'pricesIncludeTax', true, 'taxes', '[]'::jsonb,
           'elements', jsonb_build_array(jsonb_build_object('priceComponents',
             (select coalesce(jsonb_agg(c), '[]'::jsonb) from (
               select jsonb_build_object('type', 'ENERGY', 'price', major(t."energy_price_minor_per_kwh", t."currency"), 'stepSize', 1) as c
                 where t."energy_price_minor_per_kwh" > 0
               union all select jsonb_build_object('type', 'TIME', 'price', major(t."time_price_minor_per_hour", t."currency"), 'stepSize', 1)
                 where t."time_price_minor_per_hour" > 0
               union all select jsonb_build_object('type', 'FLAT', 'price', major(t."session_fee_minor", t."currency"), 'stepSize', 1)
                 where t."session_fee_minor" > 0) components)))),
         t."created_at", now()
       from "tariff" t;`.replaceAll(
        /major\(([^,]+), ([^)]+)\)/g,
        (_, amount: string, currency: string) =>
          `(${amount}::numeric / power(10, case when ${currency} in (${zeroDecimal}) then 0 when ${currency} in (${threeDecimal}) then 3 else 2 end))::text`,
      ),
    );
    this.addSql(`alter table "tariff" drop column "energy_price_minor_per_kwh", drop column "time_price_minor_per_hour", drop column "session_fee_minor";`);
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "tariff" add column "energy_price_minor_per_kwh" int not null default 0,
         add column "time_price_minor_per_hour" int not null default 0, add column "session_fee_minor" int not null default 0;`,
    );
    for (const table of ['invoice', 'invoice_counter', 'tariff_assignment']) this.addSql(`drop table if exists "${table}" cascade;`);
    this.addSql(`alter table "charging_session" drop column "tariff_version_id", drop column "billing_status", drop column "billing_hold";`);
    this.addSql(`drop table if exists "tariff_version" cascade;`);
    this.addSql(`alter table "organisation" drop column "wallet_minimum_minor", drop column "wallet_currency";`);
  }
}

const zeroDecimal = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']
  .map((c) => `'${c}'`)
  .join(', ');
const threeDecimal = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => `'${c}'`).join(', ');
