import { describe, expect, it } from 'vitest';
import { receiptMail } from './mail.js';
import { receiptLanguage, receiptLanguages, receiptWords } from './words.js';

/** Every string of a words table, by path, functions called with sample values. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') {
    const sample = { name: 'N', document: 'D', number: '1', total: 'T', link: 'L', until: 'U' };
    return [[path, String(value.length === 2 ? value('D', '1') : value(sample))]];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => strings(v, path ? `${path}.${key}` : key));
}

describe('the words of receipts', () => {
  it('has every word in every language, none empty', () => {
    const english = strings(receiptWords.en).map(([path]) => path);
    for (const language of receiptLanguages) {
      const words = strings(receiptWords[language]);
      expect(words.map(([path]) => path)).toEqual(english);
      expect(words.filter(([, text]) => !text.trim())).toEqual([]);
    }
  });

  it('says the receipt in the language’s own words, not English', () => {
    expect(receiptWords.fr.receipt).toBe('Reçu');
    expect(receiptWords.rw.receipt).toBe('Inyemezabwishyu');
    for (const key of ['receipt', 'invoice', 'creditNote', 'energy', 'thanks'] as const) {
      expect(receiptWords.fr[key]).not.toBe(receiptWords.en[key]);
      expect(receiptWords.rw[key]).not.toBe(receiptWords.en[key]);
    }
  });

  it.each([
    ['fr', 'fr'],
    ['fr-RW', 'fr'],
    ['rw-RW', 'rw'],
    ['RW', 'rw'],
    ['en-GB', 'en'],
    ['sw', 'en'],
    ['', 'en'],
    [null, 'en'],
  ])('writes to a driver whose language is %s in %s', (tag, expected) => {
    expect(receiptLanguage(tag)).toBe(expected);
  });
});

describe('the receipt mail', () => {
  const data = { number: 'KGL-2026-000042', total: '3,904 RWF', link: 'https://api.example/r', until: '2027-01-02', name: 'Aline' };

  it.each([
    ['en', 'invoice', 'Your receipt KGL-2026-000042', 'Hello Aline,'],
    ['fr', 'invoice', 'Votre reçu KGL-2026-000042', 'Bonjour Aline,'],
    ['rw', 'invoice', 'Inyemezabwishyu yawe KGL-2026-000042', 'Muraho Aline,'],
    ['en', 'credit_note', 'Your credit note KGL-2026-000042', 'Hello Aline,'],
    ['fr', 'credit_note', 'Votre avoir KGL-2026-000042', 'Bonjour Aline,'],
  ])('in %s for a(n) %s: subject %s', (language, kind, subject, greeting) => {
    const mail = receiptMail({ ...data, language, kind });
    expect(mail.subject).toBe(subject);
    expect(mail.text.startsWith(greeting)).toBe(true);
    expect(mail.text).toContain('https://api.example/r');
    expect(mail.text).toContain('3,904 RWF');
    expect(mail.text).toContain('2027-01-02');
  });

  it('greets a driver without a name plainly', () => {
    expect(receiptMail({ ...data, name: '', language: 'en', kind: 'invoice' }).text.startsWith('Hello,\n')).toBe(true);
  });
});
