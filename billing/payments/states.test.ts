import { describe, expect, it } from 'vitest';
import { canMove, isFinal, isOpen, move, type PaymentState, paymentStates } from './states.js';

// Every (from, to) pair the table allows; every other pair is refused.
const allowed: Array<[PaymentState, PaymentState]> = [
  ['pending', 'requires_action'],
  ['pending', 'authorised'],
  ['pending', 'captured'],
  ['pending', 'failed'],
  ['pending', 'cancelled'],
  ['requires_action', 'pending'],
  ['requires_action', 'authorised'],
  ['requires_action', 'captured'],
  ['requires_action', 'failed'],
  ['requires_action', 'cancelled'],
  ['authorised', 'captured'],
  ['authorised', 'failed'],
  ['authorised', 'cancelled'],
  ['captured', 'refunded'],
];

describe('the payment state machine', () => {
  const pairs = paymentStates.flatMap((from) => paymentStates.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s is allowed only when the table says so', (from, to) => {
    const expected = allowed.some(([a, b]) => a === from && b === to);
    expect(canMove(from, to)).toBe(expected);
  });

  it('never moves money back out of a final state: failed, cancelled and refunded go nowhere', () => {
    expect(paymentStates.filter(isFinal)).toEqual(['failed', 'refunded', 'cancelled']);
    for (const from of ['failed', 'cancelled', 'refunded'] as const) {
      expect(move(from, 'captured', 'a late callback', new Date())).toEqual({
        kind: 'refused',
        state: from,
        reason: `${from} cannot become captured`,
      });
    }
  });

  it('records a move with when and why, and a repeat as no move', () => {
    const at = new Date('2026-12-04T10:00:00Z');
    expect(move('pending', 'captured', 'MTN status SUCCESSFUL (poll)', at)).toEqual({
      kind: 'moved',
      state: 'captured',
      transition: { from: 'pending', to: 'captured', at: '2026-12-04T10:00:00.000Z', cause: 'MTN status SUCCESSFUL (poll)' },
    });
    expect(move('captured', 'captured', 'the same callback again', at)).toEqual({ kind: 'unchanged', state: 'captured' });
  });

  it('keeps asking the provider about pending, requires_action and authorised attempts only', () => {
    expect(paymentStates.filter(isOpen)).toEqual(['pending', 'requires_action', 'authorised']);
  });
});
