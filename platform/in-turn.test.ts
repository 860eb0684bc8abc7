import { describe, expect, it } from 'vitest';
import { inTurn } from './in-turn.js';

describe('inTurn', () => {
  it('runs the tasks of one key one after another, whatever the outcome, and other keys side by side', async () => {
    const turns = inTurn();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name} starts`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name} ends`);
        if (fail) throw new Error(name);
        return name;
      };
    const a1 = turns('a', task('a1', 30, true));
    const a2 = turns('a', task('a2', 1));
    const b1 = turns('b', task('b1', 1));
    await expect(a1).rejects.toThrow('a1');
    expect(await a2).toBe('a2');
    expect(await b1).toBe('b1');
    expect(log.indexOf('a2 starts')).toBeGreaterThan(log.indexOf('a1 ends'));
    expect(log.indexOf('b1 ends')).toBeLessThan(log.indexOf('a1 ends'));
    expect(turns.pending()).toEqual([]);
  });
});
