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

/**
 * The deepest nesting of objects and arrays a frame may have, the frame's own array included. The deepest
 * legitimate payload of the official schemas is 13 levels (2.0.1 ReportChargingProfiles; 1.6 MeterValues: 5).
 */
export const MAX_FRAME_DEPTH = 32;

/** The most bytes of a frame we read (ws itself closes the socket, 1009, beyond WS_MAX_PAYLOAD). */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const WS_MAX_PAYLOAD = 4 * MAX_FRAME_BYTES;

/** A lone UTF-16 surrogate escape (\ud800 to \udfff): valid JSON that PostgreSQL text and jsonb refuse. */
const surrogateEscape = /\\u[dD][89a-fA-F]/;

export function parseFrame(text: string, version: OcppVersion): ParseOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, id: '-1', error: ocppError('RpcFrameworkError', 'message is not valid JSON') };
  }
  // A frame with more openings than the limit could be too deep; only then is the parsed tree walked (iteratively).
  if (openingsOver(text, MAX_FRAME_DEPTH) && deeperThan(data, MAX_FRAME_DEPTH)) return tooDeep(data);
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
      const [, , action, sent] = data;
      // OCPP-J 1.6 §4.2.1: null is an empty payload.
      const payload = sent === null ? {} : sent;
      if (data.length !== 4) return { ok: false, id, error: ocppError('RpcFrameworkError', 'a CALL has 4 elements') };
      if (id.length > 36) return { ok: false, id, error: ocppError('RpcFrameworkError', 'message id is longer than 36 characters') };
      if (typeof action !== 'string' || action.length === 0) {
        return { ok: false, id, error: ocppError('RpcFrameworkError', 'action is not a string') };
      }
      if (!isObject(payload)) return { ok: false, id, error: ocppError('FormationViolation', 'payload is not a JSON object') };
      return { ok: true, frame: { type, id, action, payload: storableIn(text, payload) } };
    }
    case CALLRESULT: {
      const payload = data[2];
      if (!isObject(payload)) return { ok: false, ignore: 'CALLRESULT payload is not an object' };
      // What a station answers to our commands is audited in PostgreSQL too.
      return { ok: true, frame: { type, id, payload: storableIn(text, payload) } };
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
          description: typeof description === 'string' ? storableIn(text, description) : '',
          details: isObject(details) ? storableIn(text, details) : {},
        },
      };
    }
    default:
      if (version === 'ocpp1.6') return { ok: false, ignore: `unknown message type ${JSON.stringify(type)}` };
      return { ok: false, id, error: ocppError('MessageTypeNotSupported', `message type ${JSON.stringify(type)} is not supported`) };
  }
}

/**
 * U+0000 (C strings padded with NULs: serial numbers, idTags) and lone surrogates are valid JSON, but PostgreSQL
 * text and jsonb cannot hold them: a station would be answered InternalError on every retry. When `text` (the
 * frame) holds their escapes, NULs are dropped from `value` and lone surrogates become U+FFFD; the rest is kept.
 */
function storableIn<T>(text: string, value: T): T {
  // One quick search, as a MeterValues frame has no escape at all; only then the two exact ones.
  if (!text.includes('\\u')) return value;
  const nul = text.includes('\\u0000');
  const surrogate = surrogateEscape.test(text);
  return nul || surrogate ? (storable(value, nul, surrogate) as T) : value;
}

/** Whether `text` has more than `limit` '{' and '[' (an upper bound of its depth); stops counting past the limit. */
function openingsOver(text: string, limit: number): boolean {
  let count = 0;
  for (const open of ['{', '[']) {
    for (let at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) if (++count > limit) return true;
  }
  return false;
}

/** The walk's stacks, kept between frames so a walk allocates nothing (the gateway is one thread). */
const nodes: object[] = [];
const depths: number[] = [];

/** Whether objects and arrays nest in `value` more than `limit` levels deep; walks without recursion. */
export function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  nodes.length = 0;
  depths.length = 0;
  nodes.push(value);
  depths.push(1);
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth > limit) {
      nodes.length = 0;
      depths.length = 0;
      return true;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** A frame too deep to take: a CALL is answered under its id when that can be read, a response never. */
function tooDeep(data: unknown): ParseOutcome {
  const [type, id] = Array.isArray(data) ? data : [];
  if (type === CALLRESULT || type === CALLERROR) return { ok: false, ignore: 'a response nested too deep' };
  const readable = typeof id === 'string' && id.length > 0 ? id : '-1';
  return { ok: false, id: readable, error: ocppError('FormationViolation', `payload nested deeper than ${MAX_FRAME_DEPTH} levels`) };
}

/**
 * `value` (fresh from JSON.parse, so changed in place) with NULs removed from its strings and keys, and lone
 * surrogates replaced with U+FFFD, at any depth; walks without recursion.
 */
export function storable(value: unknown, nul = true, surrogates = true): unknown {
  const fix = (s: string) => {
    const kept = nul ? s.replaceAll('\u0000', '') : s;
    return surrogates ? kept.toWellFormed() : kept;
  };
  const box: unknown[] = [value];
  const stack: Array<Record<string, unknown> | unknown[]> = [box];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const container = node as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const child = container[key];
      if (typeof child === 'string') container[key] = fix(child);
      else if (typeof child === 'object' && child !== null) {
        const renamed = Array.isArray(child) ? child : withKeys(child as Record<string, unknown>, fix);
        container[key] = renamed;
        stack.push(renamed as Record<string, unknown>);
      }
    }
  }
  return box[0];
}

/** The object itself when no key needs fixing, else a copy with fixed keys (fromEntries: "__proto__" stays a key). */
function withKeys(object: Record<string, unknown>, fix: (s: string) => string): Record<string, unknown> {
  const keys = Object.keys(object);
  if (keys.every((key) => fix(key) === key)) return object;
  return Object.fromEntries(keys.map((key) => [fix(key), object[key]]));
}

/** The id of a CALL read from the first characters of its text, without parsing the rest; null when unreadable. */
export function callIdAtStart(head: string): string | null {
  return /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/.exec(head.slice(0, 100))?.[1] ?? null;
}

/** Whether the text starts like a CALLRESULT or CALLERROR (which are never answered). */
export const looksLikeResponse = (head: string) => /^\s*\[\s*[34]\s*[,\]]/.test(head.slice(0, 100));

export const callFrame = (id: string, action: string, payload: unknown) => JSON.stringify([CALL, id, action, payload]);
export const resultFrame = (id: string, payload: unknown) => JSON.stringify([CALLRESULT, id, payload]);

export function errorFrame(id: string, error: OcppError, version: OcppVersion): string {
  return JSON.stringify([CALLERROR, id, wireCode(version, error.code), error.message.slice(0, 255), error.details ?? {}]);
}

export { OcppError };
