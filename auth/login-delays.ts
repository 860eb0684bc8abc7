import type { Redis } from 'ioredis';
import type { Orm } from '../database/orm.js';
import type { User } from '../schema/entities/index.js';
import { createDeviceTokens, type DeviceTokens } from './device-tokens.js';
import { queueMail } from './mail-outbox.js';
import { accountLink } from './mail-templates.js';
import { hashToken, randomToken } from './one-time-tokens.js';
import { type Backoff, type Limit, RateLimiter } from './rate-limit.js';

export interface LoginDelayLimits {
  /** Failed sign-ins (or account-deletion passwords) per account; a known device skips this delay. */
  accountBackoff: Backoff;
  /** Failed sign-ins per client address, whatever the account. */
  addressBackoff: Backoff;
  /** Unlock mails to an account's owner. */
  unlockMails: Limit;
  /** How long an unlock link works. */
  unlockTokenSeconds: number;
}

export const defaultLoginDelayLimits: LoginDelayLimits = {
  accountBackoff: { freeFailures: 3, windowSeconds: 900, firstDelaySeconds: 1, maxDelaySeconds: 900 },
  addressBackoff: { freeFailures: 10, windowSeconds: 900, firstDelaySeconds: 1, maxDelaySeconds: 900 },
  unlockMails: { max: 1, windowSeconds: 900 },
  unlockTokenSeconds: 3600,
};

type Owner = Pick<User, 'id' | 'email' | 'name'>;

/**
 * Progressive delays on failed sign-ins, per account (keyed by the normalised address, known or not,
 * so delays tell nothing about which addresses are registered) and per client address. The owner is
 * never locked out: a device token from an earlier sign-in skips the account's delay, and when the
 * delay starts the owner is mailed a one-time link (token hashed in Redis) that lifts it.
 */
export class LoginDelays {
  private readonly rate: RateLimiter;
  private readonly devices: DeviceTokens;

  constructor(
    private readonly deps: { orm: Orm; redis: Redis; prefix: string; secretKey: string; linkBase: string },
    private readonly limits: LoginDelayLimits,
  ) {
    this.rate = new RateLimiter(deps);
    this.devices = createDeviceTokens(deps.secretKey);
  }

  /** Refuses at once (RATE_LIMITED, retryAfter) while the client address or the account must wait. */
  async check(address: string, ip: string, user: Owner | null, deviceToken: string | null | undefined): Promise<void> {
    await this.rate.assertNotWaiting('login-ip', ip, 'too many failed sign-ins from this address');
    if (user && this.devices.isValidFor(deviceToken, user.id)) return;
    await this.checkAccount(address);
  }

  async checkAccount(address: string): Promise<void> {
    await this.rate.assertNotWaiting('login', address, 'too many failed sign-ins for this account');
  }

  /** A failed sign-in: both waits grow. `user` is the account's owner when there is one. */
  async failed(address: string, ip: string, user: Owner | null): Promise<void> {
    await this.rate.fail('login-ip', ip, this.limits.addressBackoff);
    await this.failedAccount(address, user);
  }

  /** A failure on the account only; when its delay starts, its owner is mailed an unlock link. */
  async failedAccount(address: string, user: Owner | null): Promise<void> {
    const { started } = await this.rate.fail('login', address, this.limits.accountBackoff);
    if (started && user) await this.mailUnlock(user);
  }

  /** A success: the account's failures are forgotten (not the client address's); returns a new device token. */
  async succeeded(address: string, user: Owner): Promise<string> {
    await this.clear(address);
    return this.devices.issue(user.id);
  }

  /** Lifts the account's delay (after a success, a reset, an unlock link). */
  async clear(address: string): Promise<void> {
    await this.rate.clear('login', address);
  }

  /** Claims an unlock token (once) and lifts its account's delay; the account's id, or null for an unknown or used token. */
  async unlock(token: string): Promise<string | null> {
    if (token.length > 100) return null;
    return this.deps.redis.getdel(this.unlockKey(token));
  }

  private unlockKey(token: string) {
    return `${this.deps.prefix}:unlock:${hashToken(token)}`;
  }

  /** A one-time token that lifts the account's delay, in clear (only its hash is stored). */
  async issueUnlockToken(userId: string): Promise<string> {
    const token = randomToken();
    await this.deps.redis.set(this.unlockKey(token), userId, 'EX', this.limits.unlockTokenSeconds);
    return token;
  }

  private async mailUnlock(user: Owner) {
    if (!(await this.rate.take('unlock-mail', user.id, this.limits.unlockMails)).allowed) return;
    const token = await this.issueUnlockToken(user.id);
    const em = this.deps.orm.em.fork();
    const link = accountLink(this.deps.linkBase, 'unlock', token);
    queueMail(em, user.email, 'unlock-account', { token, link, ...(user.name ? { name: user.name } : {}) });
    await em.flush();
  }
}
