import type { IncomingMessage } from 'node:http';
import type { OcppVersion } from './rpc/errors.js';

/** C0 and C1 control characters (NUL among them, which PostgreSQL text cannot hold): never part of an identity. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Reads the identity from `/ocpp/{identity}` (percent-decoded); null when the path is not one, or the identity
 * holds a control character. decodeURIComponent refuses bytes that are not UTF-8, lone surrogates included.
 */
export function identityFromPath(url: string | undefined, base = '/ocpp/'): string | null {
  const path = (url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(base)) return null;
  const raw = path.slice(base.length);
  if (!raw || raw.includes('/')) return null;
  try {
    const identity = decodeURIComponent(raw);
    return identity.length > 0 && identity.length <= 48 && !controlCharacter.test(identity) ? identity : null;
  } catch {
    return null;
  }
}

/** The first of our versions, in our order of preference, that the station offers; null if none. */
export function pickSubprotocol(header: string | undefined, supported: readonly OcppVersion[]): OcppVersion | null {
  const offered = new Set(
    (header ?? '')
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
  );
  return supported.find((v) => offered.has(v)) ?? null;
}

/** HTTP Basic credentials, or null when absent or malformed. */
export function basicCredentials(req: IncomingMessage): { username: string; password: string } | null {
  const header = req.headers.authorization;
  if (!header?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
