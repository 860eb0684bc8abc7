import { describe, expect, it } from 'vitest';
import { commonPasswords } from './common-passwords.js';
import { passwordProblem } from './password-policy.js';

describe('the password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem('correct horse battery staple', 'alice@example.com')).toBeNull();
    expect(passwordProblem('Kigali-rain-7-bicycles')).toBeNull();
  });

  it('wants 10 to 128 characters, counting characters rather than bytes', () => {
    expect(passwordProblem('short-pw9')).toBe('at least 10 characters');
    expect(passwordProblem('x'.repeat(64) + 'y'.repeat(65))).toBe('at most 128 characters');
    expect(passwordProblem('ÉtéàKigali')).toBeNull();
    expect(passwordProblem('🔋⚡🔋⚡🔋⚡🔋⚡🔋')).toBe('at least 10 characters');
  });

  it('refuses a password from the common list, in any case', () => {
    expect(passwordProblem('qwertyuiop')).toMatch(/^too common/);
    expect(passwordProblem('Password1234')).toMatch(/^too common/);
    expect(passwordProblem('1234567890')).toMatch(/^too common/);
  });

  it('refuses a common word followed by digits or symbols', () => {
    expect(passwordProblem('Sunshine2024!')).toMatch(/^too common/);
    expect(passwordProblem('football_123456')).toMatch(/^too common/);
  });

  it('refuses one character repeated', () => {
    expect(passwordProblem('zzzzzzzzzzzz')).toBe('not one character repeated');
  });

  it("refuses a password that contains the email's local part, but ignores very short local parts", () => {
    expect(passwordProblem('my-jeanpaul-secret', 'JeanPaul@example.rw')).toBe('must not contain your email address');
    expect(passwordProblem('a-long-enough-secret', 'al@example.rw')).toBeNull();
  });

  it('ships a list of at least 200 common passwords, lower-cased', () => {
    expect(commonPasswords.size).toBeGreaterThanOrEqual(200);
    for (const entry of commonPasswords) expect(entry).toBe(entry.toLowerCase());
  });
});
