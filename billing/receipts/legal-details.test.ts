import { describe, expect, it } from 'vitest';
import { BillingError } from '../errors.js';
import { checkLegalDetails, type LegalDetailsInput } from './legal-details.js';

const valid: LegalDetailsInput = {
  legalName: '  Kigali Charge Ltd ',
  address: 'KG 7 Ave 12\r\n\r\nKigali, Rwanda  ',
  taxId: '101234567',
  registrationNumber: 'RDB 2024/0042',
  email: 'billing@kigalicharge.rw',
  phone: '+250 788 000 000',
};

describe("an operator's legal details", () => {
  it('are tidied: trimmed, one line per address line, blanks none', () => {
    expect(checkLegalDetails({ ...valid, email: '  ', phone: null })).toEqual({
      legalName: 'Kigali Charge Ltd',
      address: 'KG 7 Ave 12\nKigali, Rwanda',
      taxId: '101234567',
      registrationNumber: 'RDB 2024/0042',
      email: null,
      phone: null,
    });
    expect(checkLegalDetails({ legalName: 'A', address: 'B' })).toMatchObject({ taxId: null, registrationNumber: null });
  });

  it.each([
    [{ legalName: ' ' }, 'legalName', /^legalName: expected 1 to 200 characters$/],
    [{ legalName: 'x'.repeat(201) }, 'legalName', /^legalName: expected 1 to 200 characters$/],
    [{ address: '' }, 'address', /^address: expected 1 to 500 characters$/],
    [{ address: 'a\nb\nc\nd\ne\nf\ng' }, 'address', /^address: expected at most 6 lines$/],
    [{ taxId: 'x' }, 'taxId', /^taxId: expected 2 to 40 letters/],
    [{ taxId: '<script>' }, 'taxId', /^taxId: expected 2 to 40 letters/],
    [{ registrationNumber: 'RDB#1' }, 'registrationNumber', /^registrationNumber: expected 2 to 60/],
    [{ email: 'billing at kigali' }, 'email', /^email: expected an email address$/],
    [{ phone: 'call us' }, 'phone', /^phone: expected a phone number/],
  ])('refuses %o, naming the field %s', (change, field, message) => {
    let error: unknown;
    try {
      checkLegalDetails({ ...valid, ...change });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BillingError);
    expect((error as BillingError).code).toBe('BAD_USER_INPUT');
    expect((error as BillingError).details).toEqual({ field });
    expect((error as BillingError).message).toMatch(message);
  });
});
