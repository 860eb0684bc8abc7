import type { EntityManager } from '@mikro-orm/postgresql';
import { takeInvoiceNumber } from '../invoice-number.js';
import type { PeriodRow } from './periods-store.js';

/**
 * The invoice for a period's fee, issued paid (the wallet paid it), in the caller's transaction: the one that records
 * the fee as collected, once per period. Numbered in the operator's one gap-free series; no session, the period in
 * `reason`. A fee of 0 has none.
 */
export async function issueFeeInvoice(em: EntityManager, period: PeriodRow, now: Date): Promise<void> {
  const inclMinor = Number(period.fee_minor);
  if (inclMinor <= 0) return;
  const [plan] = await em.execute<{ name: string; slug: string | null }[]>(
    'select p.name, o.slug from plan p join organisation o on o.id = p.organisation_id where p.id = ?',
    [period.plan_id],
  );
  const number = await takeInvoiceNumber(em, period.organisation_id, plan?.slug ?? 'INV', now);
  const taxMinor = Number(period.fee_tax_minor);
  const reason = `plan "${plan?.name}": ${period.period_start.toISOString()} to ${period.period_end.toISOString()}`;
  await em.execute(
    `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
       status, issued_at, due_at, paid_at, reason)
     values (gen_random_uuid(), ?, ?, 'invoice', ?, ?, ?, ?, ?, 'paid', ?, ?, ?, ?)`,
    [
      period.organisation_id,
      number,
      period.user_id,
      period.currency,
      inclMinor - taxMinor,
      taxMinor,
      inclMinor,
      now,
      now,
      now,
      reason.slice(0, 255),
    ],
  );
}
