import { isPostgresUnavailable } from '../../database/availability.js';
import { RedisUnavailableError } from '../../platform/redis.js';
import { OcppError, type OcppVersion, ocppError, unavailable } from './errors.js';
import { CALL, MAX_FRAME_BYTES, callIdAtStart, errorFrame, looksLikeResponse, parseFrame } from './frames.js';

/**
 * The CALLERRORs of frames we cannot take, each as the frame to send or null when nothing may be answered
 * (a response is never answered). Ids are read from the first 100 characters only: never a parse of a
 * frame too big or too broken to parse.
 */

/** The bytes of a ws message, whatever form ws gave it in. */
export const asBuffer = (data: unknown): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);

/** A frame over MAX_FRAME_BYTES: FormationViolation under its CALL id (or "-1"). */
export function oversizedAnswer(bytes: Buffer, version: OcppVersion): string | null {
  const head = bytes.toString('utf8', 0, 100);
  if (looksLikeResponse(head)) return null;
  const reason = `frame of ${bytes.length} bytes is over the limit of ${MAX_FRAME_BYTES / 1024 / 1024} MiB`;
  return errorFrame(callIdAtStart(head) ?? '-1', ocppError('FormationViolation', reason), version);
}

/** A frame whose handling threw: InternalError under its id, unless that CALL's answer is already under way. */
export function unreadableAnswer(bytes: Buffer, version: OcppVersion, answering: readonly string[]): string | null {
  const head = bytes.toString('utf8', 0, 100);
  if (looksLikeResponse(head)) return null;
  const id = callIdAtStart(head) ?? '-1';
  if (answering.includes(id)) return null;
  return errorFrame(id, ocppError('InternalError', 'the central system could not read this frame'), version);
}

/** A frame we cannot take (not UTF-8, say): RpcFrameworkError under its CALL id (or "-1"). */
export function malformedAnswer(text: string, reason: string, version: OcppVersion): string | null {
  const parsed = parseFrame(text, version);
  if (parsed.ok && parsed.frame.type !== CALL) return null;
  const id = parsed.ok ? parsed.frame.id : 'id' in parsed ? parsed.id : null;
  return id === null ? null : errorFrame(id, ocppError('RpcFrameworkError', reason), version);
}

/**
 * What a handler's failure is on the wire: its own OcppError, or unavailable() when a service it needs is away
 * (a CALLERROR the charger retries); null for anything else, which leaves as InternalError.
 */
export function wireError(error: unknown): OcppError | null {
  if (error instanceof OcppError) return error;
  if (error instanceof RedisUnavailableError) return unavailable(error.service);
  if (isPostgresUnavailable(error)) return unavailable('PostgreSQL');
  return null;
}
