import { Migration } from '@mikro-orm/migrations';

/** Card holds for ad hoc sessions: an attempt of purpose `session`, the remote start it was made for, the session it pays. */
export class Migration20261205100000_card_holds extends Migration {

  override name = 'Migration20261205100000_card_holds';

  override up(): void | Promise<void> {
    this.addSql(`alter table "payment_attempt" drop constraint "payment_attempt_purpose_check";`);
    this.addSql(`alter table "payment_attempt" add "session_id" uuid null, add "held_start" jsonb null;`);
    this.addSql(`alter table "payment_attempt" add constraint "payment_attempt_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on delete set null;`);
    this.addSql(`create index "payment_attempt_session_id_index" on "payment_attempt" ("session_id");`);
    this.addSql(`alter table "payment_attempt" add constraint "payment_attempt_purpose_check" check ("purpose" in ('wallet_top_up', 'invoice', 'session'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "payment_attempt" drop constraint "payment_attempt_session_id_foreign";`);

    this.addSql(`drop index "payment_attempt_session_id_index";`);
    this.addSql(`alter table "payment_attempt" drop constraint "payment_attempt_purpose_check";`);
    this.addSql(`alter table "payment_attempt" drop column "session_id", drop column "held_start";`);
    this.addSql(`alter table "payment_attempt" add constraint "payment_attempt_purpose_check" check ("purpose" in ('wallet_top_up', 'invoice'));`);
  }

}
