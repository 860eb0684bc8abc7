import { BillingError } from '../errors.js';

/** What receipts print of the operator that issues them. Legal name and address are required; the rest where it has them. */
export interface LegalDetails {
  legalName: string;
  address: string;
  taxId: string | null;
  registrationNumber: string | null;
  email: string | null;
  phone: string | null;
}

export type LegalDetailsInput = { legalName: string; address: string } & Partial<
  Record<'taxId' | 'registrationNumber' | 'email' | 'phone', string | null>
>;

const bad = (field: string, expected: string) => new BillingError('BAD_USER_INPUT', `${field}: expected ${expected}`, field);

function text(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > max) throw bad(field, `1 to ${max} characters`);
  return trimmed;
}

/** An optional field: blank is none; otherwise it must match. */
function optional(field: string, value: string | null | undefined, pattern: RegExp, expected: string): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) return null;
  if (!pattern.test(trimmed)) throw bad(field, expected);
  return trimmed;
}

/** Checks and tidies an operator's legal details; a wrong field throws BAD_USER_INPUT naming it. Pure. */
export function checkLegalDetails(input: LegalDetailsInput): LegalDetails {
  const address = text('address', input.address.replace(/\r\n?/g, '\n'), 500)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (address.length > 6) throw bad('address', 'at most 6 lines');
  return {
    legalName: text('legalName', input.legalName, 200),
    address: address.join('\n'),
    taxId: optional('taxId', input.taxId, /^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$/, '2 to 40 letters, digits, spaces, dots, dashes or slashes'),
    registrationNumber: optional(
      'registrationNumber',
      input.registrationNumber,
      /^[A-Za-z0-9][A-Za-z0-9 ./-]{1,59}$/,
      '2 to 60 letters, digits, spaces, dots, dashes or slashes',
    ),
    email: optional('email', input.email, /^(?=.{3,254}$)[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address'),
    phone: optional('phone', input.phone, /^\+?[0-9][0-9 ().-]{5,24}$/, 'a phone number such as +250 788 123 456'),
  };
}
