import { randomBytes } from 'node:crypto';
import type { IdTokenType } from '../schema/entities/index.js';

/** A credential change the caller got wrong; `code` is what the API answers. */
export class IdTokenError extends Error {
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

/** RFID UIDs are 4, 7 or 10 bytes: 8, 14 or 20 hex digits. */
const rfidLengths = new Set([8, 14, 20]);
/** OCPP 1.6 idTag: at most 20 printable ASCII characters (no spaces). */
const idTagPattern = /^[\x21-\x7e]{1,20}$/;

/**
 * The stored form of a credential value. RFID UIDs come written in many ways (`04:a1:b2:c3`, `04-A1-B2-C3`,
 * `04 a1 b2 c3`); they are stored as upper-case hex without separators. Other types are kept as given, trimmed.
 */
export function normaliseTokenValue(type: IdTokenType, raw: string): string {
  const trimmed = raw.trim();
  if (type === 'RFID') {
    const hex = trimmed.replace(/[\s:.-]/g, '').toUpperCase();
    if (!/^[0-9A-F]+$/.test(hex) || !rfidLengths.has(hex.length)) {
      throw new IdTokenError('BAD_USER_INPUT', `value: an RFID UID is 4, 7 or 10 bytes in hex (8, 14 or 20 digits); got "${raw}"`);
    }
    return hex;
  }
  if (!idTagPattern.test(trimmed)) {
    throw new IdTokenError('BAD_USER_INPUT', `value: expected 1 to 20 printable characters without spaces (an OCPP 1.6 idTag)`);
  }
  return trimmed;
}

/** A new app credential: "APP" and 16 upper-case hex digits (19 characters, within the idTag's 20). */
export const newAppTokenValue = () => `APP${randomBytes(8).toString('hex').toUpperCase()}`;
