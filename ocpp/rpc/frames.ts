import { OcppError, type OcppVersion, ocppError, wireCode } from './errors.js';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

export type Frame =
  | { type: typeof CALL; id: string; action: string; payload: Record<string, unknown> }
  | { type: typeof CALLRESULT; id: string; payload: Record<string, unknown> }
  | { type: typeof CALLERROR; id: string; code: string; description: string; details: Record<string, unknown> };

/** A frame we could not take: answer `error` under `id` (or "-1"), or ignore it silently. */
export type ParseOutcome = { ok: true; frame: Frame } | { ok: false; id: string; error: OcppError } | { ok: false; ignore: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseFrame(text: string, version: OcppVersion): ParseOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, id: '-1', error: ocppError('RpcFrameworkError', 'message is not valid JSON') };
  }
  if (!Array.isArray(data)) return { ok: false, id: '-1', error: ocppError('RpcFrameworkError', 'message is not an OCPP-J array frame') };
  const [type, id] = data;
  // A response is never answered, however malformed; nor, in 1.6, a frame of an unknown type.
  if ((type === CALLRESULT || type === CALLERROR) && (data.length < 3 || typeof id !== 'string' || id.length === 0)) {
    return { ok: false, ignore: 'a response without an id or a payload' };
  }
  // A type that is not a number ("2", say) is no message type at all: the frame is malformed, not of an unknown type.
  if (typeof type !== 'number') {
    const readable = typeof id === 'string' && id.length > 0 ? id : '-1';
    return { ok: false, id: readable, error: ocppError('RpcFrameworkError', 'message type is not a number') };
  }
  if (type !== CALL && type !== CALLRESULT && type !== CALLERROR && version === 'ocpp1.6') {
    return { ok: false, ignore: `unknown message type ${JSON.stringify(type)}` };
  }
  if (data.length < 3) {
    // Answered under its own id when that can be read, so the charger's call ends now rather than timing out.
    const readable = typeof id === 'string' && id.length > 0 && id.length <= 36 ? id : '-1';
    return { ok: false, id: readable, error: ocppError('RpcFrameworkError', 'message is not an OCPP-J array frame') };
  }
  if (typeof id !== 'string' || id.length === 0) {
    return { ok: false, id: '-1', error: ocppError('RpcFrameworkError', 'message id is not a non-empty string') };
  }
  switch (type) {
    case CALL: {
      const [, , action, payload] = data;
      if (data.length !== 4) return { ok: false, id, error: ocppError('RpcFrameworkError', 'a CALL has 4 elements') };
      if (id.length > 36) return { ok: false, id, error: ocppError('RpcFrameworkError', 'message id is longer than 36 characters') };
      if (typeof action !== 'string' || action.length === 0) {
        return { ok: false, id, error: ocppError('RpcFrameworkError', 'action is not a string') };
      }
      if (!isObject(payload)) return { ok: false, id, error: ocppError('FormationViolation', 'payload is not a JSON object') };
      // U+0000 (C strings padded with NULs: serial numbers, idTags) is valid JSON, but PostgreSQL text cannot hold
      // it: a station would be answered InternalError on every retry. It is dropped; the rest of the string is kept.
      const clean = text.includes('\\u0000') ? (withoutNul(payload) as Record<string, unknown>) : payload;
      return { ok: true, frame: { type, id, action, payload: clean } };
    }
    case CALLRESULT: {
      const payload = data[2];
      if (!isObject(payload)) return { ok: false, ignore: 'CALLRESULT payload is not an object' };
      return { ok: true, frame: { type, id, payload } };
    }
    case CALLERROR: {
      const [, , code, description, details] = data;
      if (typeof code !== 'string') return { ok: false, ignore: 'CALLERROR without an error code' };
      return {
        ok: true,
        frame: {
          type,
          id,
          code,
          description: typeof description === 'string' ? description : '',
          details: isObject(details) ? details : {},
        },
      };
    }
    default:
      if (version === 'ocpp1.6') return { ok: false, ignore: `unknown message type ${JSON.stringify(type)}` };
      return { ok: false, id, error: ocppError('MessageTypeNotSupported', `message type ${JSON.stringify(type)} is not supported`) };
  }
}

/** `value` with every U+0000 removed from its strings (keys included), at any depth. */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', ''), withoutNul(v)]));
  return value;
}

export const callFrame = (id: string, action: string, payload: unknown) => JSON.stringify([CALL, id, action, payload]);
export const resultFrame = (id: string, payload: unknown) => JSON.stringify([CALLRESULT, id, payload]);

export function errorFrame(id: string, error: OcppError, version: OcppVersion): string {
  return JSON.stringify([CALLERROR, id, wireCode(version, error.code), error.message.slice(0, 255), error.details ?? {}]);
}

export { OcppError };
