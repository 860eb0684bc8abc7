import type { EntityManager } from '@mikro-orm/postgresql';

/** An invoice number as printed: the organisation's prefix, the year and a gap-free counter (ACME-2026-000042). Pure. */
export function invoiceNumber(prefix: string, issuedAt: Date, n: number): string {
  const clean =
    prefix
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '')
      .slice(0, 12) || 'INV';
  return `${clean}-${issuedAt.getUTCFullYear()}-${String(n).padStart(6, '0')}`;
}

/**
 * The next number of an organisation's invoice series (invoices and credit notes alike), taken inside the
 * caller's transaction: the counter row stays locked until it commits, and a rollback gives the number back.
 */
export async function takeInvoiceNumber(em: EntityManager, organisationId: string, prefix: string, issuedAt: Date): Promise<string> {
  const [counter] = await em.execute<{ n: number }[]>(
    `insert into invoice_counter (organisation_id, next) values (?, 2)
     on conflict (organisation_id) do update set next = invoice_counter.next + 1 returning next - 1 as n`,
    [organisationId],
  );
  return invoiceNumber(prefix, issuedAt, Number(counter?.n));
}
