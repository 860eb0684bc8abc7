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
  const [number] = await takeInvoiceNumbers(em, organisationId, prefix, issuedAt, 1);
  return number as string;
}

/** The next `count` numbers of the series at once, in order, on the same terms as takeInvoiceNumber. */
export async function takeInvoiceNumbers(
  em: EntityManager,
  organisationId: string,
  prefix: string,
  issuedAt: Date,
  count: number,
): Promise<string[]> {
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`invoice numbers: cannot take ${count}`);
  const [counter] = await em.execute<{ n: number }[]>(
    `insert into invoice_counter (organisation_id, next) values (?, ? + 1)
     on conflict (organisation_id) do update set next = invoice_counter.next + ? returning next - ? as n`,
    [organisationId, count, count, count],
  );
  const first = Number(counter?.n);
  return Array.from({ length: count }, (_, i) => invoiceNumber(prefix, issuedAt, first + i));
}
