import { Migration } from '@mikro-orm/migrations';

/**
 * Stops with the clashing identities named when some differ only by case ("newc-001" beside "NEWC-001"): which
 * one stays is an operator's choice (rename or delete the other, then migrate again), never a guess.
 */
export const stationIdentityCaseClashCheck = `do $$
declare clashes text;
begin
  select string_agg(spellings, '; ' order by spellings) into clashes
    from (select string_agg(identity, ' / ' order by identity collate "C") as spellings
            from station group by lower(identity) having count(*) > 1) as clash;
  if clashes is not null then
    raise exception 'station identities that differ only by case: %. Rename or remove one of each, then migrate again', clashes;
  end if;
end $$;`;

/** Station identities unique whatever their case; admission finds a station by lower(identity) on this index. */
export class Migration20261202220000_station_identity_case extends Migration {
  override name = 'Migration20261202220000_station_identity_case';

  override up(): void | Promise<void> {
    this.addSql(stationIdentityCaseClashCheck);
    this.addSql(`create unique index "station_lower_identity_unique" on "station" (lower("identity"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "station_lower_identity_unique";`);
  }
}
