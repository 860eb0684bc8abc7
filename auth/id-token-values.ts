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

/** OCPP 1.6 idTag (CiString20Type): at most 20 printable ASCII characters; inner spaces allowed. */
const idTagPattern = /^[\x21-\x7e](?:[\x20-\x7e]{0,18}[\x21-\x7e])?$/;
/** An RFID UID in hex: whole bytes (4, 7, 8 or 10 of them in practice: MIFARE, ISO 15693, FeliCa), within the 20 characters. */
const hexUid = /^(?:[0-9A-F]{2}){1,10}$/;

/**
 * The stored form of a credential value. RFID UIDs come written in many ways (`04:a1:b2:c3`, `04-A1-B2-C3`,
 * `04 a1 b2 c3`); a value that is whole bytes of hex is stored as upper-case hex without separators. Anything
 * else a charger may send as an idTag (1 to 20 printable characters) is kept as given, trimmed.
 */
export function normaliseTokenValue(type: IdTokenType, raw: string): string {
  const trimmed = raw.trim();
  if (type === 'RFID') {
    const hex = trimmed.replace(/[\s:.-]/g, '').toUpperCase();
    if (hexUid.test(hex)) return hex;
  }
  if (!idTagPattern.test(trimmed)) {
    throw new IdTokenError(
      'BAD_USER_INPUT',
      `value: expected 1 to 20 printable characters (an OCPP 1.6 idTag); got ${JSON.stringify(raw)}`,
    );
  }
  return trimmed;
}

/** A new app credential: "APP" and 16 upper-case hex digits (19 characters, within the idTag's 20). */
export const newAppTokenValue = () => `APP${randomBytes(8).toString('hex').toUpperCase()}`;
