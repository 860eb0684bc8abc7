import { describe, expect, it } from 'vitest';
import { aPricedSession, aReceiptData } from './test-builders.js';
import { receiptView } from './view.js';

const nbsp = (text: string) => text.replaceAll(' ', '\u00a0');
const units = (text: string) => text.replace(/(\d) /g, '$1\u00a0');

describe('a receipt in words', () => {
  it('says who issued it, when, to whom, where and what was charged, line by line, in English', () => {
    const view = receiptView(aReceiptData(), 'en');
    expect(view.title).toBe('Receipt');
    expect(view.issuer).toEqual([
      'Kigali Charge Ltd',
      'KG 7 Ave 12',
      'Kigali, Rwanda',
      'Tax ID: 101234567',
      'Registration number: RDB 2024/0042',
      'Email: billing@kigalicharge.rw',
      'Phone: +250 788 000 000',
    ]);
    expect(view.facts).toEqual([
      ['Number', 'KGL-2026-000042'],
      ['Issued', '2026-12-03 13:06 (UTC+02:00)'],
      ['Paid', '2026-12-03 13:06 (UTC+02:00)'],
      ['Customer', 'Aline Uwase'],
      ['Station', 'KGL-CP-001 (Kigali Heights 1)'],
      ['Connector', '2'],
      ['Location', 'Kigali Heights, KG 7 Ave, Kigali, RW'],
      ['Started', '2026-12-03 12:00 (UTC+02:00)'],
      ['Ended', '2026-12-03 13:05 (UTC+02:00)'],
      ['Duration', units('1 h 05 min 30 s')],
      ['Energy', nbsp('12.345 kWh')],
    ]);
    expect(view.columns).toEqual(['Item', 'Quantity', 'Unit price', 'Excl. tax', 'Tax', 'Incl. tax']);
    expect(view.lines).toEqual([
      ['Session fee', '1', nbsp('200 RWF'), nbsp('169 RWF'), nbsp('31 RWF'), nbsp('200 RWF')],
      ['Energy', nbsp('12.345 kWh'), nbsp('300 RWF/kWh'), nbsp('3,139 RWF'), nbsp('565 RWF'), nbsp('3,704 RWF')],
    ]);
    expect(view.taxes).toEqual([['VAT 18\u00a0%', nbsp('596 RWF')]]);
    expect(view.totals).toEqual([
      ['Excl. tax', nbsp('3,308 RWF')],
      ['Tax', nbsp('596 RWF')],
      ['Incl. tax', nbsp('3,904 RWF')],
    ]);
  });

  it('writes French and Kinyarwanda with their own words and separators', () => {
    const fr = receiptView(aReceiptData(), 'fr');
    expect(fr.title).toBe('Reçu');
    expect(fr.columns).toEqual(['Désignation', 'Quantité', 'Prix unitaire', 'HT', 'Taxe', 'TTC']);
    expect(fr.lines[1]).toEqual([
      'Énergie',
      nbsp('12,345 kWh'),
      nbsp('300 RWF/kWh'),
      nbsp('3 139 RWF'),
      nbsp('565 RWF'),
      nbsp('3 704 RWF'),
    ]);
    const rw = receiptView(aReceiptData(), 'rw');
    expect(rw.title).toBe('Inyemezabwishyu');
    expect(rw.totals.at(-1)).toEqual(['Harimo umusoro', nbsp('3.904 RWF')]);
  });

  it('is an invoice, due by its date, until it is paid; a void one says so', () => {
    const open = receiptView(aReceiptData({ invoice: { status: 'open', paidAt: null } }), 'en');
    expect(open.title).toBe('Invoice');
    expect(open.facts[2]).toEqual(['Due by', '2026-12-17']);
    const cancelled = receiptView(aReceiptData({ invoice: { status: 'void', paidAt: null } }), 'fr');
    expect(cancelled.facts[2]).toEqual(['Statut', 'Annulée']);
  });

  it('prints a credit note with the invoice it corrects, its reason and the amount credited', () => {
    const view = receiptView(
      aReceiptData({
        invoice: {
          kind: 'credit_note',
          number: 'KGL-2026-000050',
          creditOfNumber: 'KGL-2026-000042',
          reason: 'meter fault',
          priced: null,
          exclTaxMinor: 1000,
          taxMinor: 180,
          inclTaxMinor: 1180,
        },
      }),
      'en',
    );
    expect(view.title).toBe('Credit note');
    expect(view.facts.slice(2, 4)).toEqual([
      ['Corrects invoice', 'KGL-2026-000042'],
      ['Reason', 'meter fault'],
    ]);
    expect(view.lines).toEqual([['Credit', '1', '', nbsp('1,000 RWF'), nbsp('180 RWF'), nbsp('1,180 RWF')]]);
    expect(view.totals.at(-1)).toEqual(['Total credited', nbsp('1,180 RWF')]);
  });

  it('lists adjustments as lines, durations as durations, and taxes per rate', () => {
    const priced = aPricedSession({
      currency: 'EUR',
      lines: [
        {
          component: 'TIME',
          elementIndex: 0,
          quantity: 3900,
          billedQuantity: 3900,
          unitPrice: '1.20',
          exclTaxMinor: 130,
          taxes: [
            { type: 'VAT', ratePercent: '5.5', amountMinor: 7 },
            { type: 'Excise', ratePercent: '2', amountMinor: 3 },
          ],
          inclTaxMinor: 140,
        },
      ],
      adjustments: [{ reason: 'min-price', exclTaxMinor: 70, taxMinor: 4 }],
    });
    const view = receiptView(aReceiptData({ invoice: { currency: 'EUR', priced } }), 'fr');
    expect(view.lines).toEqual([
      ['Temps de charge', units('1 h 05 min'), nbsp('1,20 EUR/h'), nbsp('1,30 EUR'), nbsp('0,10 EUR'), nbsp('1,40 EUR')],
      ['Prix minimum', '', '', nbsp('0,70 EUR'), nbsp('0,04 EUR'), nbsp('0,74 EUR')],
    ]);
    expect(view.taxes).toEqual([
      ['VAT 5,5\u00a0%', nbsp('0,07 EUR')],
      ['Excise 2\u00a0%', nbsp('0,03 EUR')],
    ]);
  });

  it('names the organisation alone until its legal details are set, and leaves out a session it has not', () => {
    const view = receiptView(
      aReceiptData({
        issuer: { legalName: null, taxId: null, registrationNumber: null, address: null, email: null, phone: null },
        session: null,
        payer: { name: null, email: null },
      }),
      'en',
    );
    expect(view.issuer).toEqual(['Kigali Charge']);
    expect(view.facts.map(([label]) => label)).toEqual(['Number', 'Issued', 'Paid']);
  });
});
