import { queueMail } from '../../auth/mail-outbox.js';
import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../platform/logger.js';
import { formatDate, formatMoney } from './format.js';
import { receiptHtml } from './html.js';
import { loadReceipt, type ReceiptData } from './load.js';
import { receiptPdf } from './pdf.js';
import { checkReceiptLink, type LinkCheck, signReceiptLink } from './signed-link.js';
import { receiptView } from './view.js';
import { receiptLanguage } from './words.js';

export type ReceiptFormat = 'html' | 'pdf';

export interface RenderedReceipt {
  contentType: string;
  /** The file name a browser saves it under: the document's number. */
  fileName: string;
  body: Buffer;
}

/**
 * Receipts of invoices and credit notes: found, rendered (HTML or PDF, in the payer's language unless asked
 * otherwise), addressed (`url`, and signed links that work without signing in) and mailed to the driver who pays
 * once a document is issued, through the mail outbox.
 */
export class ReceiptService {
  constructor(
    private readonly deps: {
      orm: Orm;
      log: Logger;
      /** The API's public address (API_URL), without a trailing slash. */
      baseUrl: string;
      /** Derived from SECRET_KEY (signed-link.ts receiptLinkKey). */
      linkKey: Buffer;
      /** How long a mailed link works (RECEIPT_LINK_DAYS). */
      linkDays: number;
    },
  ) {}

  /** Where the receipt is downloaded with a credential. */
  url(invoiceId: string, format: ReceiptFormat): string {
    return `${this.deps.baseUrl}/receipts/${invoiceId}.${format}`;
  }

  /** A link that opens the receipt without signing in until `expires`. */
  signedUrl(invoiceId: string, format: ReceiptFormat, expires: Date): string {
    return `${this.url(invoiceId, format)}?${signReceiptLink(this.deps.linkKey, invoiceId, expires)}`;
  }

  checkLink(invoiceId: string, expires: string, signature: string, now = new Date()): LinkCheck {
    return checkReceiptLink(this.deps.linkKey, invoiceId, expires, signature, now);
  }

  find(invoiceId: string): Promise<ReceiptData | null> {
    return loadReceipt(this.deps.orm, invoiceId);
  }

  /** The receipt as a file, in `language` when it is one receipts are written in, else the payer's. */
  async render(
    data: ReceiptData,
    format: ReceiptFormat,
    options: { language?: string | null; pdfHref?: string } = {},
  ): Promise<RenderedReceipt> {
    const language = receiptLanguage(options.language || data.payer.language);
    const view = receiptView(data, language);
    const fileName = `${data.invoice.number.replace(/[^A-Za-z0-9._-]+/g, '_')}.${format}`;
    if (format === 'pdf') return { contentType: 'application/pdf', fileName, body: await receiptPdf(view) };
    return { contentType: 'text/html; charset=utf-8', fileName, body: Buffer.from(receiptHtml(view, options.pdfHref)) };
  }

  /**
   * Mails the receipt of a document just issued to the driver who pays, at their verified address (an unverified
   * one may be someone else's), with a signed link. A fleet's documents are not mailed: its staff download them
   * (an invoice that says it has no paying driver is not even read).
   * The mail is a convenience beside the document, which stays downloadable: a failure is logged, not thrown
   * into the billing that issued it.
   */
  async issued(invoice: { id: string; payerUserId?: string | null }, now = new Date()): Promise<void> {
    await this.issuedMany([invoice], now);
  }

  /**
   * `issued` for a batch (billing issues hundreds at once): one query finds the payers with a confirmed address
   * and what their mails say, one flush writes the mails.
   */
  async issuedMany(invoices: { id: string; payerUserId?: string | null }[], now = new Date()): Promise<void> {
    const ids = invoices.filter((invoice) => invoice.payerUserId !== null).map((invoice) => invoice.id);
    if (ids.length === 0) return;
    try {
      const rows = await this.deps.orm.em.fork().getConnection().execute<MailRow[]>(mailQuery, [ids]);
      if (rows.length === 0) return;
      const expires = new Date(now.getTime() + this.deps.linkDays * 86_400_000);
      const em = this.deps.orm.em.fork();
      for (const row of rows) {
        const language = receiptLanguage(row.language);
        queueMail(em, row.email, 'receipt', {
          language,
          kind: row.kind,
          name: row.name ?? '',
          number: row.number,
          total: formatMoney(Number(row.incl_tax_minor), row.currency, language),
          link: this.signedUrl(row.id, 'pdf', expires),
          until: formatDate(expires, row.time_zone ?? 'UTC'),
        });
      }
      await em.flush();
    } catch (error) {
      this.deps.log.error({ err: error, invoices: ids.length }, 'receipts: the receipt mails could not be queued');
    }
  }
}

interface MailRow {
  id: string;
  kind: string;
  number: string;
  currency: string;
  incl_tax_minor: string;
  email: string;
  name: string | null;
  language: string | null;
  time_zone: string | null;
}

/** What a receipt mail says, for the invoices whose driver has a confirmed address (not deleted). */
const mailQuery = `
  select i.id, i.kind, i.number, i.currency, i.incl_tax_minor, u.email, u.name, u.language, site.time_zone
  from invoice i join app_user u on u.id = i.payer_user_id and u.deleted_at is null and u.email_verified_at is not null
    left join charging_session t on t.id = i.session_id
    left join station st on st.id = t.station_id
    left join site on site.id = st.site_id
  where i.id in (?)`;
