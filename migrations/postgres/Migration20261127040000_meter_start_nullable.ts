import { Migration } from '@mikro-orm/migrations';

/**
 * A session's meter start may be unknown: a StartTransaction whose meterStart no column can hold (beyond
 * ±2^53 Wh) is answered and recorded with the reading left out and the session flagged, not refused.
 */
export class Migration20261127040000_meter_start_nullable extends Migration {
  override name = 'Migration20261127040000_meter_start_nullable';

  override up(): void | Promise<void> {
    this.addSql(`alter table "charging_transaction" alter column "meter_start_wh" drop not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`update "charging_transaction" set "meter_start_wh" = 0 where "meter_start_wh" is null;`);
    this.addSql(`alter table "charging_transaction" alter column "meter_start_wh" set not null;`);
  }
}
