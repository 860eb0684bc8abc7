import { Migration } from '@mikro-orm/migrations';

/**
 * A password offered to a station (ChangeConfiguration AuthorizationKey) whose answer never came: accepted
 * beside the stored one until the station logs in with one of them, so a station that took the key is not
 * locked out.
 */
export class Migration20261127050000_offered_password extends Migration {
  override name = 'Migration20261127050000_offered_password';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "station" add column "offered_password_salt" varchar(255) null, add column "offered_password_hash" varchar(255) null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "station" drop column "offered_password_salt", drop column "offered_password_hash";`);
  }
}
