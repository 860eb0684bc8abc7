import { afterEach, describe, expect, it, vi } from 'vitest';
import { pdfText } from '../../test/pdf-text.js';
import { receiptPdf } from './pdf.js';
import { aReceiptData } from './test-builders.js';
import { receiptView } from './view.js';

const nbsp = (text: string) => text.replaceAll(' ', '\u00a0');

describe('a receipt as a PDF', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is a whole PDF: header, catalogue in the receipt’s language, creation date of the invoice, trailer', async () => {
    const pdf = await receiptPdf(receiptView(aReceiptData(), 'fr'));
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toMatch(/\/Type \/Catalog/);
    expect(text).toMatch(/\/Lang \(fr\)/);
    expect(text).toMatch(/\/CreationDate \d+ 0 R/);
    expect(text).toContain('(D:20261203110600Z)');
    expect(text).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
  });

  it('shows the receipt’s facts, lines and totals', async () => {
    const shown = pdfText(await receiptPdf(receiptView(aReceiptData(), 'fr'))).join('\n');
    for (const expected of [
      'Reçu KGL-2026-000042',
      'Kigali Charge Ltd',
      'N° d’identification fiscale: 101234567',
      'KGL-CP-001 (Kigali Heights 1)',
      '2026-12-03 12:00 (UTC+02:00)',
      'Énergie',
      nbsp('12,345 kWh'),
      nbsp('300 RWF/kWh'),
      'VAT 18\u00a0%',
      'TTC',
      nbsp('3 904 RWF'),
      'Merci d’avoir rechargé chez nous.',
    ])
      expect(shown).toContain(expected);
  });

  it('has the same bytes for the same invoice, whenever it is rendered', async () => {
    const view = receiptView(aReceiptData(), 'rw');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-01-01T00:00:00Z'));
    const first = await receiptPdf(view);
    vi.setSystemTime(new Date('2031-06-15T08:30:00Z'));
    const second = await receiptPdf(receiptView(aReceiptData(), 'rw'));
    expect(second.equals(first)).toBe(true);
  });

  it('differs for another invoice or another language', async () => {
    const base = await receiptPdf(receiptView(aReceiptData(), 'en'));
    const other = await receiptPdf(receiptView(aReceiptData({ invoice: { number: 'KGL-2026-000043' } }), 'en'));
    const french = await receiptPdf(receiptView(aReceiptData(), 'fr'));
    expect(other.equals(base)).toBe(false);
    expect(french.equals(base)).toBe(false);
  });

  it('runs onto a second page when the lines do not fit on one', async () => {
    const priced = aReceiptData().invoice.priced;
    const many = { ...priced!, lines: Array.from({ length: 80 }, () => priced!.lines[1]!) };
    const pdf = await receiptPdf(receiptView(aReceiptData({ invoice: { priced: many } }), 'en'));
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(2);
  });
});
