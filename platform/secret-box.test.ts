import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

describe('the secret box', () => {
  const box = createSecretBox('k'.repeat(32), 'webhook secrets');

  it('opens what it sealed, and seals the same secret differently each time', () => {
    const a = box.seal('whsec-abc');
    expect(box.open(a)).toBe('whsec-abc');
    expect(box.seal('whsec-abc')).not.toBe(a);
    expect(a).not.toContain('whsec');
  });

  it('refuses a sealed secret that was altered, sealed under another key or another purpose, or is not one', () => {
    const sealed = box.seal('whsec-abc');
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    // Another first character: the first byte of the ciphertext changes whatever it was.
    const flipped = `${data.startsWith('A') ? 'B' : 'A'}${data.slice(1)}`;
    expect(() => box.open([v, iv, tag, flipped].join('.'))).toThrow();
    expect(() => createSecretBox('j'.repeat(32), 'webhook secrets').open(sealed)).toThrow();
    expect(() => createSecretBox('k'.repeat(32), 'other').open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow(/not a sealed secret/);
  });
});
