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
 * `work`, or a PostgresUnavailableError once `ms` have passed. The work is not cancelled (the pool's own
 * timeouts end it): use only for work that is harmless if it completes later (idempotent, or final).
 */
export function withinDeadline<T>(work: Promise<T>, ms = OCPP_PG_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PostgresUnavailableError(`PostgreSQL did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
