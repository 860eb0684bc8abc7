export type LedgerErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'INSUFFICIENT_FUNDS';

/** A refusal of the ledger's; `code` maps to the API's error code. Nothing was written. */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** A posting that would take a wallet below minus its credit limit; the whole posting was rolled back. */
export class InsufficientFundsError extends LedgerError {
  constructor(
    readonly accountId: string,
    /** The wallet's balance when the posting was refused, in minor units. */
    readonly balance: number,
    /** What the posting would have taken from it, in minor units (> 0). */
    readonly needed: number,
    readonly creditLimit: number,
  ) {
    super('INSUFFICIENT_FUNDS', `wallet ${accountId} has ${balance} (credit limit ${creditLimit}); ${needed} needed`);
    this.name = 'InsufficientFundsError';
  }
}

export const badPosting = (problem: string) => new LedgerError('BAD_USER_INPUT', `posting refused: ${problem}`);
