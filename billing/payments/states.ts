import { type PaymentTransition, paymentStates } from '../../schema/entities/payment.js';

export type PaymentState = (typeof paymentStates)[number];
export { paymentStates };

/**
 * The payment state machine: every allowed move, in one table. `pending`: asked, the provider has not said;
 * `requires_action`: the payer must do something first (a card's 3-D Secure); `authorised`: money held, not
 * taken (a card's pre-authorisation); `captured`: money taken, in the ledger; `failed`, `cancelled`: no money
 * moved; `refunded`: given back in full. `failed`, `cancelled` and `refunded` are final: a provider that
 * later says otherwise is a case for a person, never an automatic move.
 */
const allowed: Record<PaymentState, readonly PaymentState[]> = {
  pending: ['requires_action', 'authorised', 'captured', 'failed', 'cancelled'],
  requires_action: ['pending', 'authorised', 'captured', 'failed', 'cancelled'],
  authorised: ['captured', 'failed', 'cancelled'],
  captured: ['refunded'],
  failed: [],
  cancelled: [],
  refunded: [],
};

/** May an attempt in `from` move to `to`? Staying put is no move. */
export function canMove(from: PaymentState, to: PaymentState): boolean {
  return allowed[from].includes(to);
}

/** No provider answer can change it any more. */
export function isFinal(state: PaymentState): boolean {
  return allowed[state].length === 0;
}

/** Still waiting for the provider (what the poller asks about). */
export function isOpen(state: PaymentState): boolean {
  return state === 'pending' || state === 'requires_action' || state === 'authorised';
}

export type MoveOutcome =
  | { kind: 'moved'; state: PaymentState; transition: PaymentTransition }
  | { kind: 'unchanged'; state: PaymentState }
  | { kind: 'refused'; state: PaymentState; reason: string };

/**
 * What becomes of an attempt in `from` when the provider says `to`: the move with its history entry, nothing
 * (already there), or a refusal saying why (a move the table does not allow).
 */
export function move(from: PaymentState, to: PaymentState, cause: string, at: Date): MoveOutcome {
  if (from === to) return { kind: 'unchanged', state: from };
  if (!canMove(from, to)) return { kind: 'refused', state: from, reason: `${from} cannot become ${to}` };
  return { kind: 'moved', state: to, transition: { from, to, at: at.toISOString(), cause } };
}
