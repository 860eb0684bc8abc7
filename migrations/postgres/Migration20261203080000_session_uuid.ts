import { Migration } from '@mikro-orm/migrations';

/**
 * A session has its own id. `charging_transaction` becomes `charging_session`, keyed by a UUID; the OCPP 1.6
 * transactionId it had as id is kept as `transaction_id`, the protocol's key as on the wire (text, so a 2.0.1
 * station's string ids fit), unique per station. 1.6 ids are still issued by evcms, from the
 * `ocpp16_transaction_id` sequence, which goes on from the last one issued. Sessions get the EVSE of their
 * connector (1.6: the same number) and the type of the credential they started with (a registered idTag's
 * type; Unknown for one evcms does not know). Anomalies and reservations point at the session's UUID.
 */
const renamedConstraints = [
  ['charging_transaction_start_key_unique', 'charging_session_start_key_unique'],
  ['charging_transaction_station_id_foreign', 'charging_session_station_id_foreign'],
  ['charging_transaction_id_token_id_foreign', 'charging_session_id_token_id_foreign'],
  ['charging_transaction_state_check', 'charging_session_state_check'],
] as const;
const renamedIndexes = ['station_id_state', 'id_tag_state', 'started_at', 'id_token_id'];

export class Migration20261203080000_session_uuid extends Migration {
  override name = 'Migration20261203080000_session_uuid';

  override up(): void | Promise<void> {
    this.addSql(`alter table "charging_transaction" rename to "charging_session";`);
    this.addSql(`create sequence "ocpp16_transaction_id" as integer;`);
    this.addSql(`select setval('"ocpp16_transaction_id"', coalesce((select max("id") from "charging_session"), 0) + 1, false);`);
    this.addSql(
      `alter table "charging_session" add column "uuid" uuid not null default gen_random_uuid(),
         add column "transaction_id" varchar(255) null, add column "evse_id" int null,
         add column "credential_type" text not null default 'Unknown';`,
    );
    this.addSql(`update "charging_session" set "transaction_id" = "id"::text, "evse_id" = "connector_id";`);
    this.addSql(
      `update "charging_session" t set "credential_type" = case k."type"
         when 'RFID' then 'ISO14443' when 'APP' then 'Central' when 'CENTRAL' then 'Central'
         when 'EMAID' then 'eMAID' when 'KEY_CODE' then 'KeyCode' else 'Unknown' end
       from "id_token" k where k."id" = t."id_token_id";`,
    );
    // Anomalies and reservations: the 1.6 id they held becomes the session's UUID (and, for anomalies, the key as sent).
    this.addSql(`alter table "anomaly" add column "session_id" uuid null;`);
    this.addSql(`alter table "anomaly" alter column "transaction_id" type varchar(255) using "transaction_id"::text;`);
    this.addSql(
      `update "anomaly" a set "session_id" = t."uuid" from "charging_session" t
       where t."transaction_id" = a."transaction_id" and t."station_id" = a."station_id";`,
    );
    this.addSql(`drop index "anomaly_transaction_id_index";`);
    this.addSql(`create index "anomaly_session_id_index" on "anomaly" ("session_id");`);
    this.addSql(`alter table "reservation" add column "session_id" uuid null;`);
    this.addSql(
      `update "reservation" r set "session_id" = t."uuid" from "charging_session" t
       where t."id" = r."transaction_id" and t."station_id" = r."station_id";`,
    );
    this.addSql(`alter table "reservation" drop column "transaction_id";`);
    // The UUID becomes the key.
    this.addSql(`alter table "charging_session" drop constraint "charging_transaction_pkey";`);
    this.addSql(`alter table "charging_session" drop column "id";`);
    this.addSql(`alter table "charging_session" rename column "uuid" to "id";`);
    this.addSql(`alter table "charging_session" alter column "id" drop default;`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_pkey" primary key ("id");`);
    this.addSql(
      `alter table "charging_session" alter column "transaction_id" set not null, alter column "evse_id" set not null,
         add constraint "charging_session_credential_type_check" check ("credential_type" in
           ('Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'Unknown'));`,
    );
    this.addSql(
      `alter table "charging_session" add constraint "charging_session_station_id_transaction_id_unique" unique ("station_id", "transaction_id");`,
    );
    for (const [from, to] of renamedConstraints) {
      this.addSql(`alter table "charging_session" rename constraint "${from}" to "${to}";`);
    }
    for (const index of renamedIndexes) {
      this.addSql(`alter index "charging_transaction_${index}_index" rename to "charging_session_${index}_index";`);
    }
  }

  override down(): void | Promise<void> {
    for (const index of renamedIndexes) {
      this.addSql(`alter index "charging_session_${index}_index" rename to "charging_transaction_${index}_index";`);
    }
    for (const [from, to] of renamedConstraints) {
      this.addSql(`alter table "charging_session" rename constraint "${to}" to "${from}";`);
    }
    // Only 1.6 sessions (an int32 key) can go back to a table keyed by the 1.6 transactionId.
    this.addSql(`delete from "charging_session" where "transaction_id" !~ '^-?[0-9]{1,10}$';`);
    this.addSql(`alter table "reservation" add column "transaction_id" int null;`);
    this.addSql(
      `update "reservation" r set "transaction_id" = t."transaction_id"::int from "charging_session" t where t."id" = r."session_id";`,
    );
    this.addSql(`alter table "reservation" drop column "session_id";`);
    this.addSql(`drop index "anomaly_session_id_index";`);
    this.addSql(`alter table "anomaly" drop column "session_id";`);
    this.addSql(
      `alter table "anomaly" alter column "transaction_id" type int using case when "transaction_id" ~ '^-?[0-9]{1,10}$' then
         case when "transaction_id"::bigint between -2147483648 and 2147483647 then "transaction_id"::bigint end end::int;`,
    );
    this.addSql(`create index "anomaly_transaction_id_index" on "anomaly" ("transaction_id");`);
    this.addSql(`alter table "charging_session" drop constraint "charging_session_pkey";`);
    this.addSql(`alter table "charging_session" drop constraint "charging_session_station_id_transaction_id_unique";`);
    this.addSql(`alter table "charging_session" drop constraint "charging_session_credential_type_check";`);
    this.addSql(`alter table "charging_session" drop column "id", drop column "evse_id", drop column "credential_type";`);
    this.addSql(`alter table "charging_session" rename column "transaction_id" to "id";`);
    this.addSql(`alter table "charging_session" alter column "id" type int using "id"::int;`);
    this.addSql(`alter table "charging_session" add constraint "charging_transaction_pkey" primary key ("id");`);
    this.addSql(`alter sequence "ocpp16_transaction_id" rename to "charging_transaction_id_seq";`);
    this.addSql(`alter sequence "charging_transaction_id_seq" owned by "charging_session"."id";`);
    this.addSql(`alter table "charging_session" alter column "id" set default nextval('"charging_transaction_id_seq"');`);
    this.addSql(`alter table "charging_session" rename to "charging_transaction";`);
  }
}
