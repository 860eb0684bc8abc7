import { Migration } from '@mikro-orm/migrations';

/**
 * Connectors belong to an EVSE and their status is version-neutral. OCPP 1.6 has one EVSE per connector
 * (evse_id = connector_id, 0 the station itself); 2.0.1's (evseId, connectorId) pairs fit the same columns.
 * `status` becomes Available, Occupied, Reserved, Unavailable, Faulted or Unknown; `ocpp_status` keeps what
 * the station sent (Preparing, Charging, SuspendedEV, ...).
 */
export class Migration20261202221000_evse_connector_status extends Migration {
  override name = 'Migration20261202221000_evse_connector_status';

  override up(): void | Promise<void> {
    this.addSql(`alter table "connector" add column "evse_id" int null, add column "ocpp_status" varchar(255) null;`);
    this.addSql(`update "connector" set "evse_id" = "connector_id", "ocpp_status" = "status";`);
    this.addSql(
      `update "connector" set "status" = case "status"
         when 'Available' then 'Available' when 'Reserved' then 'Reserved' when 'Unavailable' then 'Unavailable'
         when 'Faulted' then 'Faulted'
         when 'Preparing' then 'Occupied' when 'Charging' then 'Occupied' when 'SuspendedEV' then 'Occupied'
         when 'SuspendedEVSE' then 'Occupied' when 'Finishing' then 'Occupied' else 'Unknown' end;`,
    );
    this.addSql(
      `alter table "connector" alter column "evse_id" set not null, alter column "ocpp_status" set not null,
         alter column "ocpp_status" set default 'Unavailable';`,
    );
    this.addSql(`alter table "connector" drop constraint "connector_station_id_connector_id_unique";`);
    this.addSql(
      `alter table "connector" add constraint "connector_station_id_evse_id_connector_id_unique" unique ("station_id", "evse_id", "connector_id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "connector" drop constraint "connector_station_id_evse_id_connector_id_unique";`);
    this.addSql(`update "connector" set "status" = "ocpp_status";`);
    this.addSql(`alter table "connector" drop column "evse_id", drop column "ocpp_status";`);
    this.addSql(`alter table "connector" add constraint "connector_station_id_connector_id_unique" unique ("station_id", "connector_id");`);
  }
}
