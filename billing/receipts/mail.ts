import { receiptLanguage, receiptWords } from './words.js';

/**
 * The receipt mail (outbox template `receipt`), in the driver's language: the document's number and total, and a
 * signed link to it. Written with `language`, `kind`, `name`, `number`, `total`, `link`, `until`.
 */
export function receiptMail(d: Record<string, string>): { subject: string; text: string } {
  const words = receiptWords[receiptLanguage(d.language)];
  const document = words.mailDocument[d.kind === 'credit_note' ? 'credit_note' : 'invoice'];
  return {
    subject: words.mailSubject(document, d.number ?? ''),
    text: words.mailBody({
      name: d.name ?? '',
      document,
      number: d.number ?? '',
      total: d.total ?? '',
      link: d.link ?? '',
      until: d.until ?? '',
    }),
  };
}
