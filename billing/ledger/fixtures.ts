import { randomUUID } from 'node:crypto';
import type { Orm } from '../../database/orm.js';
import { Ledger } from './ledger.js';

export type LedgerFixtures = ReturnType<typeof ledgerFixtures>;

/** For a test file's database: its ledger, fixtures and one operator to post for. */
export async function ledgerTestbed(orm: Orm): Promise<{ ledger: Ledger; data: LedgerFixtures; organisationId: string }> {
  const data = ledgerFixtures(orm);
  return { ledger: new Ledger({ orm }), data, organisationId: await data.anOrganisation() };
}

/** Test data the ledger's tests post against: an operator and its drivers, written straight to PostgreSQL. */
export function ledgerFixtures(orm: Orm) {
  const execute = <T>(query: string, params: unknown[] = []) => orm.em.fork().execute(query, params) as Promise<T>;
  return {
    execute,
    async anOrganisation(): Promise<string> {
      const id = randomUUID();
      await execute(`insert into organisation (id, name, slug, created_at) values (?, 'Ledger test operator', ?, now())`, [id, `op-${id}`]);
      return id;
    },
    async aDriver(): Promise<string> {
      const id = randomUUID();
      await execute(
        `insert into app_user (id, email, password_hash, role, created_at, updated_at) values (?, ?, 'x', 'DRIVER', now(), now())`,
        [id, `driver-${id}@example.rw`],
      );
      return id;
    },
    /** Everything the ledger holds: rows written and each account's cached balance, to show a refusal wrote nothing. */
    async snapshot() {
      const [counts] = await execute<{ transactions: string; entries: string }[]>(
        'select (select count(*) from ledger_transaction) as transactions, (select count(*) from ledger_entry) as entries',
      );
      const balances = await execute<{ id: string; balance_minor: string }[]>('select id, balance_minor from ledger_account order by id');
      return { counts, balances };
    },
  };
}
