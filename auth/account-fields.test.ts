import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeLanguage, normalizeName, normalizePhone } from './account-fields.js';

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return { message: (error as Error).message, code: (error as { code?: string }).code };
  }
  return null;
};

describe('account fields', () => {
  it('lower-cases and trims email addresses', () => {
    expect(normalizeEmail('  Alice.Uwase@Example.RW ')).toBe('alice.uwase@example.rw');
  });

  it.each(['alice', 'alice@', '@example.rw', 'alice@example', 'a b@example.rw', 'alice@@example.rw', `${'a'.repeat(65)}@example.rw`])(
    'refuses the malformed address %s, naming the field',
    (email) => {
      expect(problem(() => normalizeEmail(email))).toEqual({ message: 'email: not a valid email address', code: 'BAD_USER_INPUT' });
    },
  );

  it('keeps phone numbers in international form', () => {
    expect(normalizePhone('+250 788 123-456')).toBe('+250788123456');
    expect(normalizePhone('')).toBeNull();
    expect(problem(() => normalizePhone('0788123456'))?.message).toMatch(/^phone: /);
    expect(problem(() => normalizePhone('+12'))?.message).toMatch(/^phone: /);
  });

  it('reads language tags, defaulting to en', () => {
    expect(normalizeLanguage(undefined)).toBe('en');
    expect(normalizeLanguage('FR')).toBe('fr');
    expect(normalizeLanguage('rw-rw')).toBe('rw-RW');
    expect(normalizeLanguage('zh-hant')).toBe('zh-Hant');
    expect(problem(() => normalizeLanguage('english'))?.message).toMatch(/^language: /);
  });

  it('trims names and refuses control characters', () => {
    expect(normalizeName('  Alice ')).toBe('Alice');
    expect(normalizeName('   ')).toBeNull();
    expect(problem(() => normalizeName('Alice\u0000'))?.message).toMatch(/^name: /);
  });
});
