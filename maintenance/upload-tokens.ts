import { createHash, randomBytes } from 'node:crypto';

/** A fresh upload token: 32 random bytes, URL- and FTP-user-safe. Only its hash is kept. */
export const newUploadToken = (): string => randomBytes(24).toString('base64url');

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** What a station may call its file: path parts, odd characters and overlong names are cut away. */
export function safeFileName(name: string | null | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned || fallback;
}
