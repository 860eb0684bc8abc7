/** An invoice number as printed: the organisation's prefix, the year and a gap-free counter (ACME-2026-000042). Pure. */
export function invoiceNumber(prefix: string, issuedAt: Date, n: number): string {
  const clean =
    prefix
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '')
      .slice(0, 12) || 'INV';
  return `${clean}-${issuedAt.getUTCFullYear()}-${String(n).padStart(6, '0')}`;
}
