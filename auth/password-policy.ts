import { commonPasswords } from './common-passwords.js';

export const passwordLength = { min: 10, max: 128 } as const;

/**
 * What is wrong with a new password, or null when it is acceptable (NIST SP 800-63B: length, a
 * list of known passwords, nothing from the account itself; no composition rules). A common word
 * followed by digits or symbols ("sunshine2024!") counts as common.
 */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < passwordLength.min) return `at least ${passwordLength.min} characters`;
  if (length > passwordLength.max) return `at most ${passwordLength.max} characters`;
  const lower = password.toLowerCase();
  if (/^(.)\1*$/su.test(lower)) return 'not one character repeated';
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (commonPasswords.has(lower) || (stem.length >= 4 && commonPasswords.has(stem)))
    return 'too common: it appears in lists of leaked passwords';
  const local = email?.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && lower.includes(local)) return 'must not contain your email address';
  return null;
}
