import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for billing in batches. A session's charging time is read from its connector's status changes by the
 * time the station stamped them (else received them): an index on that, per station and connector, serves both
 * the status in force at the start and those during the session. The billing sweep pages through the ended
 * sessions still pending, oldest stop first: a partial index holds just those.
 */
export class Migration20261204090000_status_event_time extends Migration {
  override name = 'Migration20261204090000_status_event_time';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "status_event_connector_time_index" on "status_event" ("station_id", "connector_id", (coalesce("station_timestamp", "received_at")));`,
    );
    this.addSql(
      `create index "charging_session_billing_pending_index" on "charging_session" ("stopped_at", "id") where "state" = 'Completed' and "billing_status" = 'pending';`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "charging_session_billing_pending_index";`);
    this.addSql(`drop index "status_event_connector_time_index";`);
  }
}
