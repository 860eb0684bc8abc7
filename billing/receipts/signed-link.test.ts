import { describe, expect, it } from 'vitest';
import { checkReceiptLink, receiptLinkKey, signReceiptLink } from './signed-link.js';

const key = receiptLinkKey('a-secret-key-of-at-least-thirty-two-characters');
const invoiceId = '0b4f6f2e-6a55-4d5c-9a43-2f2d3c1f0a01';
const now = new Date('2026-12-03T12:00:00Z');
const inADay = new Date(now.getTime() + 86_400_000);

const parts = (query: string) => {
  const params = new URLSearchParams(query);
  return { expires: params.get('expires') ?? '', signature: params.get('signature') ?? '' };
};

describe('signed receipt links', () => {
  it('open the receipt they were made for until they expire', () => {
    const { expires, signature } = parts(signReceiptLink(key, invoiceId, inADay));
    expect(expires).toBe(String(inADay.getTime() / 1000));
    expect(checkReceiptLink(key, invoiceId, expires, signature, now)).toBe('valid');
    expect(checkReceiptLink(key, invoiceId, expires, signature, inADay)).toBe('expired');
  });

  it('are forged when anything in them changes: another invoice, a later expiry, the signature, the key', () => {
    const { expires, signature } = parts(signReceiptLink(key, invoiceId, inADay));
    const other = '0b4f6f2e-6a55-4d5c-9a43-2f2d3c1f0a02';
    expect(checkReceiptLink(key, other, expires, signature, now)).toBe('forged');
    expect(checkReceiptLink(key, invoiceId, String(Number(expires) + 86_400), signature, now)).toBe('forged');
    const altered = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(checkReceiptLink(key, invoiceId, expires, altered, now)).toBe('forged');
    expect(checkReceiptLink(key, invoiceId, expires, '', now)).toBe('forged');
    expect(checkReceiptLink(key, invoiceId, 'soon', signature, now)).toBe('forged');
    expect(checkReceiptLink(receiptLinkKey('another-secret-key-of-thirty-two-characters!'), invoiceId, expires, signature, now)).toBe(
      'forged',
    );
  });

  it('keys the links with a key of their own, not SECRET_KEY itself', () => {
    const secret = 'a-secret-key-of-at-least-thirty-two-characters';
    expect(receiptLinkKey(secret).toString('utf8')).not.toContain(secret);
    expect(receiptLinkKey(secret).length).toBe(32);
  });
});
