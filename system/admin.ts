import { generateSecret } from '../auth/machine-secrets.js';
import { hashPassword } from '../auth/passwords.js';
import type { Orm } from '../database/orm.js';
import { User } from '../schema/entities/index.js';

/**
 * Makes sure the first administrator exists: ADMIN_EMAIL with ADMIN_PASSWORD (created or updated).
 * Without ADMIN_PASSWORD and with no administrator yet, one is created with a generated password,
 * returned so it can be shown once.
 */
export async function ensureAdmin(
  orm: Orm,
  email: string,
  password: string | undefined,
): Promise<{ email: string; password?: string } | null> {
  const em = orm.em.fork();
  const existing = await em.findOne(User, { email: email.toLowerCase() });
  if (password) {
    const passwordHash = await hashPassword(password);
    if (existing) {
      existing.passwordHash = passwordHash;
      existing.role = 'ADMIN';
      existing.deletedAt = null;
    } else {
      em.create(User, { email: email.toLowerCase(), passwordHash, role: 'ADMIN', name: 'Administrator', emailVerifiedAt: new Date() });
    }
    await em.flush();
    return { email };
  }
  if (existing || (await em.count(User, { role: 'ADMIN' })) > 0) return null;
  const generated = generateSecret(20);
  em.create(User, {
    email: email.toLowerCase(),
    passwordHash: await hashPassword(generated),
    role: 'ADMIN',
    name: 'Administrator',
    emailVerifiedAt: new Date(),
  });
  await em.flush();
  return { email, password: generated };
}
