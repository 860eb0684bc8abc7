import { describe, expect, it } from 'vitest';
import { createCountCache } from './counts.js';

describe('the count cache', () => {
  it('keeps a large count for its time to live, then counts again', async () => {
    const count = createCountCache({ ttlMs: 1000, minRows: 100 });
    let runs = 0;
    const run = async () => {
      runs++;
      return 5000;
    };
    expect(await count('k', run, 0)).toBe(5000);
    expect(await count('k', run, 999)).toBe(5000);
    expect(runs).toBe(1);
    await count('k', run, 1000);
    expect(runs).toBe(2);
  });

  it('always counts a small list exactly', async () => {
    const count = createCountCache({ minRows: 100 });
    let n = 3;
    expect(await count('k', async () => n, 0)).toBe(3);
    n = 4;
    expect(await count('k', async () => n, 1)).toBe(4);
  });
});
