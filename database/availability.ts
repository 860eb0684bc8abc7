/**
 * Telling a PostgreSQL outage (the server or the network away) apart from a real SQL error, and bounding
 * how long the OCPP path waits for PostgreSQL, so a CALL is answered in seconds whatever the database does.
 */

/** Codes of a failure to reach PostgreSQL: the socket's, or the server's own "not now" (class 08, 57P0x, 53300). */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const unreachableSqlState = /^(08...|57P0[1-4]|53300)$/;
const unreachableMessage =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout|the database system is (starting up|shutting down)|Client has encountered a connection error|Connection ended unexpectedly|connect ECONNREFUSED/i;

/** PostgreSQL did not answer within the deadline the OCPP path allows it. */
export class PostgresUnavailableError extends Error {
  override readonly name = 'PostgresUnavailableError';
}

/** Whether `error` (or an error it wraps: MikroORM wraps the driver's) says PostgreSQL is unreachable. */
export function isPostgresUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof PostgresUnavailableError || e.name === 'ConnectionException') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unreachableCodes.has(code) || unreachableSqlState.test(code))) return true;
    if (unreachableMessage.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isPostgresUnavailable)) return true;
  }
  return false;
}

/** How long a statement on the OCPP path may wait for PostgreSQL before the caller takes its fallback. */
export const OCPP_PG_DEADLINE_MS = 3_000;

/**
 * After an outage is seen, how long the OCPP path takes PostgreSQL for away without asking: a blackholed
 * server would otherwise cost every CALL the whole deadline. What does not go through withinDeadline (the
 * stop journal's drain, the write-behind flushes) keeps asking, and finds it back.
 */
const OUTAGE_HOLD_MS = 2_000;
let awayUntil = 0;

/**
 * `work()`, or a PostgresUnavailableError once `ms` have passed, or at once (`work` not called) while an
 * outage seen in the last OUTAGE_HOLD_MS holds. Work past the deadline is not cancelled (the pool's own
 * timeouts end it): use only for work that is harmless if it completes later (idempotent, or final).
 */
export function withinDeadline<T>(work: () => Promise<T>, ms = OCPP_PG_DEADLINE_MS): Promise<T> {
  if (Date.now() < awayUntil) return Promise.reject(new PostgresUnavailableError('PostgreSQL was away a moment ago'));
  return deadline(work(), ms).catch((error: unknown) => {
    if (isPostgresUnavailable(error)) awayUntil = Date.now() + OUTAGE_HOLD_MS;
    throw error;
  });
}

/** PostgreSQL answered something outside withinDeadline (the stop journal's drain): the hold ends now. */
export function postgresAnswered(): void {
  awayUntil = 0;
}

/** `work`, or a PostgresUnavailableError once `ms` have passed (the work goes on). */
export function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PostgresUnavailableError(`PostgreSQL did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
