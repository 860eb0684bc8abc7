import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device tokens: handed out at a successful sign-in, they let the same device's next sign-in skip the
 * account's failure delay (a stranger failing on the account does not stop its owner). Stateless:
 * `<random id>.<HMAC-SHA-256 of account id and random id>` under a key derived from SECRET_KEY.
 */
export function createDeviceTokens(secretKey: string) {
  const key = createHmac('sha256', secretKey).update('evcms device tokens v1').digest();
  const mac = (accountId: string, id: string) => createHmac('sha256', key).update(accountId).update('\0').update(id).digest();
  return {
    issue(accountId: string): string {
      const id = randomBytes(16).toString('base64url');
      return `${id}.${mac(accountId, id).toString('base64url')}`;
    },
    /** Whether the token was issued to that account (by this deployment). */
    isValidFor(token: string | null | undefined, accountId: string): boolean {
      if (!token || token.length > 200) return false;
      const [id, given, extra] = token.split('.');
      if (!id || !given || extra !== undefined) return false;
      const expected = mac(accountId, id);
      const actual = Buffer.from(given, 'base64url');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

export type DeviceTokens = ReturnType<typeof createDeviceTokens>;
