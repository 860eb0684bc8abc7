import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Machine secrets (station passwords, API keys) are high-entropy, so a fast keyed hash is enough:
 * HMAC-SHA-256 under the deployment's SECRET_KEY with a per-secret salt, compared in constant time.
 * A storm of reconnects costs microseconds per station, not the seconds a password hash would.
 */
export interface MachineSecrets {
  hash(secret: string): { salt: string; hash: string };
  verify(secret: string, salt: string, hash: string): boolean;
}

export function createMachineSecrets(key: string): MachineSecrets {
  const digest = (salt: string, secret: string) => createHmac('sha256', key).update(salt).update('\0').update(secret).digest();
  return {
    hash(secret) {
      const salt = randomBytes(16).toString('base64url');
      return { salt, hash: digest(salt, secret).toString('base64url') };
    },
    verify(secret, salt, hash) {
      const expected = Buffer.from(hash, 'base64url');
      const actual = digest(salt, secret);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password of `length` characters from an unambiguous alphabet (about 5.8 bits each). */
export function generateSecret(length = 24): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
