import { z } from 'zod';

export type AccountErrorCode = 'BAD_USER_INPUT' | 'CONFLICT' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'NOT_FOUND' | 'FORBIDDEN';

/** A refusal the caller can act on; `code` maps to the API's error code, `details` go to the client. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

/** A bad field: the message starts with the field's name, so a form can show it beside the input. */
export const badField = (field: string, problem: string) => new AccountError('BAD_USER_INPUT', `${field}: ${problem}`, { field });

const emailSchema = z.email();

/** Trimmed and lower-cased; at most 254 characters with a 64-character local part. */
export function normalizeEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (email.length > 254 || local.length > 64 || !emailSchema.safeParse(email).success) throw badField(field, 'not a valid email address');
  return email;
}

/** E.164-ish: a plus, then 7 to 15 digits; spaces, dots, dashes and parentheses are dropped. Empty means none. */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const phone = raw.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw badField('phone', 'expected an international number such as +250788123456');
  return phone;
}

/** BCP-47-ish: a 2 or 3 letter language, optionally a region or script (en, fr-RW, zh-Hant); at most 8 characters. */
export function normalizeLanguage(raw: string | null | undefined): string {
  if (raw === null || raw === undefined || raw.trim() === '') return 'en';
  const match = /^([a-z]{2,3})(?:-([a-z]{2}|\d{3}|[a-z]{4}))?$/i.exec(raw.trim());
  if (!match) throw badField('language', 'expected a language tag such as en, fr or rw-RW');
  const [, language, sub] = match as unknown as [string, string, string | undefined];
  if (!sub) return language.toLowerCase();
  const region = sub.length === 4 ? sub[0]?.toUpperCase() + sub.slice(1).toLowerCase() : sub.toUpperCase();
  return `${language.toLowerCase()}-${region}`;
}

/** A display name: trimmed, 1 to 100 characters, no control characters. Empty means none. */
export function normalizeName(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const name = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw badField('name', 'expected at most 100 printable characters');
  return name;
}
