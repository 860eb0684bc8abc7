import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away self-signed certificate and its key, as PEM files in a fresh temporary folder (openssl ships with
 * Debian): `key` is openssl's -newkey argument and options (`['rsa:2048']`, or an EC curve), `extensions` -addext ones.
 */
export function selfSignedCertificate(options: { key: string[]; subject: string; extensions?: string[] }): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'evcms-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const [algorithm, ...keyOptions] = options.key;
  const extensions = (options.extensions ?? []).flatMap((e) => ['-addext', e]);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      algorithm ?? 'rsa:2048',
      ...keyOptions,
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      options.subject,
      ...extensions,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
