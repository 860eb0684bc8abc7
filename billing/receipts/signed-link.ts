import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links to a receipt that work without signing in, for the mail: `?expires=<epoch seconds>&signature=<HMAC>`.
 * The HMAC-SHA256 is over the invoice id and the expiry, keyed with a key derived from SECRET_KEY for this use
 * alone, so one link opens one receipt (HTML or PDF) until it expires and cannot be made to open another.
 * Links and signatures are secrets: never logged, and erased from the outbox once the mail went (`link`).
 */
export function receiptLinkKey(secretKey: string): Buffer {
  return createHmac('sha256', secretKey).update('evcms receipt links v1').digest();
}

const signatureOf = (key: Buffer, invoiceId: string, expires: number) =>
  createHmac('sha256', key).update(`${invoiceId}.${expires}`).digest('base64url');

/** The query of a link to `invoiceId` that works until `expires`. */
export function signReceiptLink(key: Buffer, invoiceId: string, expires: Date): string {
  const seconds = Math.floor(expires.getTime() / 1000);
  return `expires=${seconds}&signature=${signatureOf(key, invoiceId, seconds)}`;
}

export type LinkCheck = 'valid' | 'expired' | 'forged';

/** Whether a link's expiry and signature open `invoiceId` at `now`. */
export function checkReceiptLink(key: Buffer, invoiceId: string, expires: string, signature: string, now: Date): LinkCheck {
  if (!/^\d{1,12}$/.test(expires)) return 'forged';
  const expected = Buffer.from(signatureOf(key, invoiceId, Number(expires)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
}
