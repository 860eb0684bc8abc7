import { describe, expect, it } from 'vitest';
import { WriteWindow } from './write-window.js';

describe('WriteWindow', () => {
  it('runs the flushes of one window together, in the order scheduled, once the window closes', async () => {
    const window = new WriteWindow(5);
    const ran: string[] = [];
    window.schedule(() => ran.push('a'));
    await new Promise((r) => setTimeout(r, 1));
    window.schedule(() => ran.push('b'));
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['a', 'b']);
  });

  it('opens a new window for what is scheduled while one closes', async () => {
    const window = new WriteWindow(0);
    const ran: string[] = [];
    window.schedule(() => {
      ran.push('first');
      window.schedule(() => ran.push('second'));
    });
    expect(ran).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['first']);
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual(['first', 'second']);
  });
});
