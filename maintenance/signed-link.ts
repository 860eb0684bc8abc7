import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links that work without signing in for a while: `expires=<epoch seconds>&signature=<HMAC-SHA256>` over a
 * purpose, an object id and the expiry, keyed from SECRET_KEY, so a link opens one file of one kind until it expires.
 */
export class LinkSigner {
  private readonly key: Buffer;
  constructor(secretKey: string) {
    this.key = createHmac('sha256', secretKey).update('evcms maintenance links v1').digest();
  }

  private signature(purpose: string, id: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${purpose}.${id}.${expires}`).digest('base64url');
  }

  /** The query string of a link to `id` for `purpose` that works until `expires`. */
  sign(purpose: string, id: string, expires: Date): string {
    const seconds = Math.floor(expires.getTime() / 1000);
    return `expires=${seconds}&signature=${this.signature(purpose, id, seconds)}`;
  }

  check(purpose: string, id: string, query: URLSearchParams, now = new Date()): 'valid' | 'expired' | 'forged' {
    const expires = query.get('expires') ?? '';
    if (!/^\d{1,12}$/.test(expires)) return 'forged';
    const expected = Buffer.from(this.signature(purpose, id, Number(expires)));
    const given = Buffer.from(query.get('signature') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }
}
