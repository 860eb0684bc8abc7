import { Migration } from '@mikro-orm/migrations';

export class Migration20261126201317_idtag_case extends Migration {

  override name = 'Migration20261126201317_idtag_case';

  override up(): void | Promise<void> {
    this.addSql(`create index "id_token_lower_value_index" on "id_token" (lower("value"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "id_token_lower_value_index";`);
  }

}
