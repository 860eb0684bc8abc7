import { BillingError } from '../errors.js';
import type { Execute } from './attempts.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The operator whose wallet a driver tops up: the one named, else the only one the driver has a wallet with, else
 * the only one whose cards the driver holds. A driver with several must name it.
 */
export async function walletOperator(execute: Execute, userId: string, named: string | null): Promise<string> {
  if (named) {
    const rows = uuid.test(named) ? await execute<{ id: string }[]>('select id from organisation where id = ?', [named]) : [];
    if (!rows[0]) throw new BillingError('NOT_FOUND', `organisation ${named} not found`);
    return named;
  }
  const wallets = await execute<{ id: string }[]>(
    `select distinct organisation_id as id from ledger_account where kind = 'wallet' and owner_id = ? limit 2`,
    [userId],
  );
  if (wallets.length === 1) return wallets[0]?.id as string;
  const cards = await execute<{ id: string }[]>(
    `select distinct organisation_id as id from id_token where owner_id = ? and organisation_id is not null limit 2`,
    [userId],
  );
  if (wallets.length === 0 && cards.length === 1) return cards[0]?.id as string;
  throw new BillingError('BAD_USER_INPUT', 'organisationId: name the operator whose wallet to top up', 'organisationId');
}
