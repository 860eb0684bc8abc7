import { Migration } from '@mikro-orm/migrations';

/**
 * What an operator's receipts must say of it: its legal name, tax and company registration numbers, postal
 * address, and an email address and phone number for questions. All optional: an organisation without them
 * prints its name alone until an operator sets them (`setOperatorLegalDetails`).
 */
export class Migration20261203111000_operator_legal extends Migration {
  override name = 'Migration20261203111000_operator_legal';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "organisation" add "legal_name" varchar(255) null, add "tax_id" varchar(255) null,
         add "registration_number" varchar(255) null, add "address" text null, add "email" varchar(255) null, add "phone" varchar(255) null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "organisation" drop column "legal_name", drop column "tax_id", drop column "registration_number",
         drop column "address", drop column "email", drop column "phone";`,
    );
  }
}
