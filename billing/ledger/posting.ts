import { badPosting, LedgerError } from './errors.js';

/** One line of a posting: `amountMinor` > 0 credits the account, < 0 debits it (integer minor units). */
export interface PostingEntry {
  accountId: string;
  amountMinor: number;
}

export interface PostingInput {
  organisationId: string;
  /** session-charge, top-up, manual-credit, refund, ... */
  kind: string;
  /** Posting twice with one key posts once: the second returns the first. */
  idempotencyKey: string;
  /** The session, invoice or payment it is about. */
  reference?: string | null | undefined;
  description?: string | null | undefined;
  /** The user who made it; absent for the system. */
  actor?: string | null | undefined;
  entries: PostingEntry[];
}

/** A posting's entries as one comparable text, whatever their order: a repeat of a key must post the same. */
export const entriesShape = (entries: { accountId: string; amountMinor: number }[]) =>
  entries
    .map((entry) => `${entry.accountId} ${entry.amountMinor}`)
    .sort()
    .join(',');

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUuid = (value: string) => uuid.test(value);

/** An ISO 4217 alphabetic code: three capital letters. */
export function assertCurrency(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency))
    throw new LedgerError('BAD_USER_INPUT', `currency: ${JSON.stringify(currency)} is not an ISO 4217 code`);
}

/** An amount in minor units: a safe integer, > 0 unless `zero` allows 0. */
export function assertMinor(field: string, value: number, { zero = false } = {}): void {
  if (!Number.isSafeInteger(value)) throw new LedgerError('BAD_USER_INPUT', `${field}: ${value} is not an integer number of minor units`);
  if (value < 0 || (value === 0 && !zero)) throw new LedgerError('BAD_USER_INPUT', `${field}: ${value} must be ${zero ? '>= 0' : '> 0'}`);
}

function assertText(field: string, value: string | null | undefined, { required = false } = {}): void {
  if (value === null || value === undefined) {
    if (required) throw badPosting(`${field} is required`);
    return;
  }
  if (required && value.trim() === '') throw badPosting(`${field} is empty`);
  if (value.length > 255) throw badPosting(`${field} is longer than 255 characters`);
}

/**
 * Checks what can be checked without the database: at least two entries, integer non-zero amounts that sum to
 * zero, at least two accounts. Returns each account's net change (maybe 0), in account-id order (the order the
 * posting locks them in).
 */
export function checkPosting(input: PostingInput): { accountId: string; deltaMinor: number }[] {
  if (!isUuid(input.organisationId)) throw badPosting('organisationId is not a UUID');
  assertText('kind', input.kind, { required: true });
  assertText('idempotencyKey', input.idempotencyKey, { required: true });
  assertText('reference', input.reference);
  assertText('actor', input.actor);
  if (!Array.isArray(input.entries) || input.entries.length < 2) throw badPosting('a posting needs at least two entries');
  let sum = 0n;
  const deltas = new Map<string, bigint>();
  for (const [i, entry] of input.entries.entries()) {
    if (!isUuid(entry.accountId)) throw badPosting(`entries[${i}].accountId is not a UUID`);
    if (!Number.isSafeInteger(entry.amountMinor)) {
      throw badPosting(`entries[${i}].amountMinor ${entry.amountMinor} is not an integer number of minor units`);
    }
    if (entry.amountMinor === 0) throw badPosting(`entries[${i}].amountMinor is 0`);
    sum += BigInt(entry.amountMinor);
    deltas.set(entry.accountId, (deltas.get(entry.accountId) ?? 0n) + BigInt(entry.amountMinor));
  }
  if (sum !== 0n) throw badPosting(`entries sum to ${sum}, not 0 (credits are positive, debits negative)`);
  if (deltas.size < 2) throw badPosting('a posting moves money between at least two accounts');
  const changes = [...deltas]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([accountId, delta]) => ({ accountId, deltaMinor: Number(delta) }));
  for (const { accountId, deltaMinor } of changes) {
    if (!Number.isSafeInteger(deltaMinor)) throw badPosting(`the change to account ${accountId} is not a safe integer`);
  }
  return changes;
}
