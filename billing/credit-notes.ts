import type { Orm } from '../database/orm.js';
import { BillingError } from './errors.js';
import { takeInvoiceNumber } from './invoice-number.js';
import type { Ledger } from './ledger/ledger.js';

export interface CreditNoteInput {
  invoiceId: string;
  reason: string;
  /** Tax included; absent, the whole invoice (less what earlier credit notes gave back). */
  amountMinor?: number | null | undefined;
  actor: string | null;
}

interface OriginalRow {
  id: string;
  organisation_id: string;
  slug: string;
  kind: string;
  status: string;
  session_id: string | null;
  payer_user_id: string | null;
  payer_organisation_id: string | null;
  currency: string;
  tax_minor: string;
  incl_tax_minor: string;
  credited_minor: string;
}

/** The tax share of a part of an invoice, rounded half up, so that the parts' taxes add up to no more than the whole's. Pure. */
export function taxShare(partMinor: number, totalMinor: number, taxMinor: number): number {
  if (totalMinor === 0) return 0;
  const exact = (BigInt(partMinor) * BigInt(taxMinor) * 2n + BigInt(totalMinor)) / (BigInt(totalMinor) * 2n);
  return Number(exact);
}

/**
 * Corrects an invoice with a credit note that names it, never by editing it: a new document with a number of
 * the same gap-free series, for the whole invoice or a part of it, tax in proportion. Money the driver paid
 * from their wallet goes back to it; an open invoice credited in full is void.
 */
export class CreditNotes {
  constructor(private readonly deps: { orm: Orm; ledger: Ledger; receipts?: { issued(document: { id: string }): Promise<void> } }) {}

  async issue(input: CreditNoteInput): Promise<{ id: string; number: string; amountMinor: number; taxMinor: number }> {
    if (!input.reason.trim() || input.reason.length > 255)
      throw new BillingError('BAD_USER_INPUT', 'reason: expected 1 to 255 characters', 'reason');
    const note = await this.deps.orm.em.fork().transactional(async (em) => {
      const [original] = await em.execute<OriginalRow[]>(
        `select i.id, i.organisation_id, o.slug, i.kind, i.status, i.session_id, i.payer_user_id, i.payer_organisation_id, i.currency,
           i.tax_minor, i.incl_tax_minor,
           (select coalesce(sum(c.incl_tax_minor), 0) from invoice c where c.credit_of_id = i.id) as credited_minor
         from invoice i join organisation o on o.id = i.organisation_id where i.id = ? for update of i`,
        [input.invoiceId],
      );
      if (!original || original.kind !== 'invoice') throw new BillingError('NOT_FOUND', `invoice ${input.invoiceId} not found`);
      const total = Number(original.incl_tax_minor);
      const left = total - Number(original.credited_minor);
      const amount = input.amountMinor ?? left;
      if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
        throw new BillingError(
          'BAD_USER_INPUT',
          `amountMinor: expected 1 to ${left} (what the invoice has not been credited yet)`,
          'amountMinor',
        );
      }
      const tax = taxShare(amount, total, Number(original.tax_minor));
      const now = new Date();
      const number = await takeInvoiceNumber(em, original.organisation_id, original.slug, now);
      const [inserted] = await em.execute<{ id: string }[]>(
        `insert into invoice (id, organisation_id, number, kind, session_id, credit_of_id, payer_user_id, payer_organisation_id, currency,
           excl_tax_minor, tax_minor, incl_tax_minor, status, issued_at, due_at, reason)
         values (gen_random_uuid(), ?, ?, 'credit_note', ?, ?, ?, ?, ?, ?, ?, ?, 'paid', ?, ?, ?) returning id`,
        [
          original.organisation_id,
          number,
          original.session_id,
          original.id,
          original.payer_user_id,
          original.payer_organisation_id,
          original.currency,
          amount - tax,
          tax,
          amount,
          now,
          now,
          input.reason.trim(),
        ],
      );
      if (original.status === 'open' && amount === left) await em.execute(`update invoice set status = 'void' where id = ?`, [original.id]);
      return { id: inserted?.id as string, number, amountMinor: amount, taxMinor: tax, original };
    });
    if (note.original.status === 'paid' && note.original.payer_user_id) await this.refund(note, input.actor);
    await this.deps.receipts?.issued(note);
    return { id: note.id, number: note.number, amountMinor: note.amountMinor, taxMinor: note.taxMinor };
  }

  /** The credited part back into the wallet it was paid from: revenue and tax payable give it back. Once per credit note. */
  private async refund(note: { id: string; amountMinor: number; taxMinor: number; original: OriginalRow }, actor: string | null) {
    const { ledger } = this.deps;
    const { organisation_id: organisationId, currency, payer_user_id: userId } = note.original;
    const wallet = await ledger.wallet(organisationId, userId as string, currency);
    const revenue = await ledger.account(organisationId, 'revenue', currency);
    const tax = await ledger.account(organisationId, 'tax_payable', currency);
    const net = note.amountMinor - note.taxMinor;
    await ledger.post({
      organisationId,
      kind: 'refund',
      idempotencyKey: `credit-note:${note.id}`,
      reference: note.id,
      description: `credit note for invoice ${note.original.id}`,
      actor,
      entries: [
        { accountId: wallet.id, amountMinor: note.amountMinor },
        ...(net > 0 ? [{ accountId: revenue.id, amountMinor: -net }] : []),
        ...(note.taxMinor > 0 ? [{ accountId: tax.id, amountMinor: -note.taxMinor }] : []),
      ],
    });
  }
}
