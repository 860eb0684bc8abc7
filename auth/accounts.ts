import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Orm } from '../database/orm.js';
import { EmailOutbox, IdToken, OneTimeToken, Organisation, User } from '../schema/entities/index.js';
import type { Logger } from '../platform/logger.js';
import { AccountError, badField, normalizeEmail, normalizeLanguage, normalizeName, normalizePhone } from './account-fields.js';
import { defaultLoginDelayLimits, type LoginDelayLimits, LoginDelays } from './login-delays.js';
import { queueMail } from './mail-outbox.js';
import { accountLink, type MailTemplate } from './mail-templates.js';
import { claimToken, findUsableToken, issueOneTimeToken, randomToken, type TokenPurpose } from './one-time-tokens.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { passwordProblem } from './password-policy.js';
import { type Limit, RateLimiter } from './rate-limit.js';
import { type AuthTokens, SessionTokens } from './refresh-tokens.js';
import type { TokenSigner } from './tokens.js';

export type { AuthTokens };

/** What login returns: the session's tokens and this device's token for later sign-ins. */
export interface LoginResult extends AuthTokens {
  deviceToken: string;
}

export interface AccountLimits extends LoginDelayLimits {
  loginPerIp: Limit;
  registerPerIp: Limit;
  resetPerIp: Limit;
  /** Password-reset and "account exists" mails to one address; past it, requests are answered but send nothing. */
  mailsPerAddress: Limit;
}

export const defaultAccountLimits: AccountLimits = {
  loginPerIp: { max: 20, windowSeconds: 60 },
  registerPerIp: { max: 20, windowSeconds: 60 },
  resetPerIp: { max: 20, windowSeconds: 60 },
  mailsPerAddress: { max: 5, windowSeconds: 3600 },
  ...defaultLoginDelayLimits,
};

export interface AccountDeps {
  orm: Orm;
  redis: Redis;
  prefix: string;
  tokens: TokenSigner;
  /** SECRET_KEY: device tokens are signed with a key derived from it. */
  secretKey: string;
  log: Logger;
  /** Forgets cached credentials (the RFID tags of a deleted account). */
  authorization: { invalidateAll(values: string[]): Promise<void> };
  /** Where the links in mails point: `${linkBase}/account/confirm-email?token=...`. */
  linkBase: string;
  /** Tells the stations holding these credentials in their local lists that they are blocked now. */
  credentialsBlocked?: (tokenIds: string[]) => Promise<void>;
}

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  language?: string | null | undefined;
}

/** undefined leaves a field as it is; null clears it (the language goes back to en). */
export type ProfileInput = Partial<Record<'name' | 'phone' | 'language', string | null>>;

export interface NewUserInput extends Omit<RegisterInput, 'password'> {
  /** Left out: the user gets an invitation to choose one. */
  password?: string | null | undefined;
  role: 'ADMIN' | 'OPERATOR' | 'DRIVER';
  organisationId: string | null;
}

const hour = 3600_000;
const wrongCredentials = () => new AccountError('UNAUTHENTICATED', 'email or password is wrong');
const badToken = () => badField('token', 'not valid or expired (ask for a new one)');
const badRefresh = () => new AccountError('UNAUTHENTICATED', 'the refresh token is not valid (unknown, expired or revoked): sign in again');

function assertPassword(password: string, email: string) {
  const problem = passwordProblem(password, email);
  if (problem) throw badField('password', problem);
}

/**
 * People's accounts: registration, email confirmation, sign-in with refresh-token rotation, sign-out,
 * password reset, profile, deletion (erasure of personal data), and staff accounts made by admins.
 * Answers never tell whether an address is registered.
 */
export class AccountService {
  /** Public so a deployment (or a test) can tighten or relax them. */
  readonly limits: AccountLimits;
  readonly sessions: SessionTokens;
  private readonly rate: RateLimiter;
  readonly delays: LoginDelays;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly deps: AccountDeps,
    limits: Partial<AccountLimits> = {},
  ) {
    this.limits = { ...defaultAccountLimits, ...limits };
    this.rate = new RateLimiter(deps);
    this.delays = new LoginDelays(deps, this.limits);
    this.sessions = new SessionTokens(deps);
  }

  /** Registers a driver and mails a confirmation link. An address already registered gets a notice instead; the answer is the same. */
  async register(input: RegisterInput, ip: string): Promise<void> {
    await this.rate.consume('register-ip', ip, this.limits.registerPerIp, 'too many registrations from this address');
    const email = normalizeEmail(input.email);
    const profile = { name: normalizeName(input.name), phone: normalizePhone(input.phone), language: normalizeLanguage(input.language) };
    assertPassword(input.password, email);
    const passwordHash = await hashPassword(input.password); // also when the address exists: the same time either way
    const em = this.deps.orm.em.fork();
    if (!(await em.findOne(User, { email }))) {
      const user = em.create(User, { email, passwordHash, role: 'DRIVER', ...profile });
      this.mailToken(em, user, 'confirm-email', 'confirm-email', 24 * hour);
      try {
        return await em.flush();
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error; // registered meanwhile
      }
    }
    await this.mailOnce(email, 'account-exists', {});
  }

  async confirmEmail(token: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const row = await findUsableToken(em, 'confirm-email', token);
    if (!row || !(await claimToken(em, row.id))) throw badToken();
    if (!row.user.emailVerifiedAt) await em.nativeUpdate(User, { id: row.user.id }, { emailVerifiedAt: new Date() });
  }

  /**
   * Signs in. Failures slow further attempts on the account and from the client address (see
   * LoginDelays); a device token from an earlier sign-in skips the account's delay. An unknown address
   * fails like a wrong password, as slowly, and is delayed alike.
   */
  async login(email: string, password: string, ip: string, deviceToken?: string | null): Promise<LoginResult> {
    await this.rate.consume('login-ip', ip, this.limits.loginPerIp, 'too many sign-in attempts from this address');
    const address = email.trim().toLowerCase();
    const em = this.deps.orm.em.fork();
    const found = address.length <= 254 ? await em.findOne(User, { email: address, deletedAt: null }) : null;
    const user = found?.role === 'PARTNER' ? null : found; // partners sign in with API keys only
    await this.delays.check(address, ip, user, deviceToken);
    const ok = user ? await verifyPassword(user.passwordHash, password) : await this.wasteTime(password);
    if (!user || !ok) {
      await this.delays.failed(address, ip, user);
      throw wrongCredentials();
    }
    const tokens = await this.sessions.issue(em, user);
    await em.flush();
    return { ...tokens, deviceToken: await this.delays.succeeded(address, user) };
  }

  /** Lifts an account's sign-in delay with the token mailed when it started; each token works once. */
  async unlockAccount(token: string): Promise<void> {
    const userId = await this.delays.unlock(token);
    const user = userId ? await this.deps.orm.em.fork().findOne(User, { id: userId, deletedAt: null }) : null;
    if (!user) throw badToken();
    await this.delays.clear(user.email);
  }

  /** Rotates a refresh token. Presenting one already rotated or revoked (a stolen copy?) revokes its whole family. */
  async refresh(refreshToken: string): Promise<AuthTokens> {
    const outcome = await this.deps.orm.em.fork().transactional(async (em) => {
      const row = await this.sessions.find(em, refreshToken, { lock: true });
      if (!row) return null;
      if (row.revokedAt) {
        if (await this.sessions.revokeFamily(em, row.family))
          this.deps.log.warn({ user: row.user.id, family: row.family }, 'refresh token reused: its family is revoked');
        return null;
      }
      if (row.expiresAt.getTime() <= Date.now() || row.user.deletedAt) return null;
      row.revokedAt = row.replacedAt = new Date();
      return this.sessions.issue(em, row.user, row.family);
    });
    if (!outcome) throw badRefresh();
    return outcome;
  }

  /** Ends the access token now and, when given, the sign-in (refresh-token family) it came from. */
  async logout(user: { id: string; tokenId: string }, refreshToken?: string | null): Promise<void> {
    await this.sessions.revokeAccessToken(user.tokenId);
    if (!refreshToken) return;
    const em = this.deps.orm.em.fork();
    const row = await this.sessions.find(em, refreshToken);
    if (row && row.user.id === user.id) await this.sessions.revokeFamily(em, row.family);
  }

  /** Mails a reset link when the address has an account; the answer is the same either way. */
  async requestPasswordReset(email: string, ip: string): Promise<void> {
    await this.rate.consume('reset-ip', ip, this.limits.resetPerIp, 'too many password resets from this address');
    const address = normalizeEmail(email);
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(User, { email: address, deletedAt: null });
    if (!user || !(await this.rate.take('mail', address, this.limits.mailsPerAddress)).allowed) return;
    this.mailToken(em, user, 'reset-password', 'reset-password', hour);
    await em.flush();
  }

  /** Sets a new password with a mailed token; every sign-in of the account ends. */
  async resetPassword(token: string, password: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const row = await findUsableToken(em, 'reset-password', token);
    if (!row) throw badToken();
    const user = row.user;
    assertPassword(password, user.email);
    const passwordHash = await hashPassword(password);
    await em.transactional(async (tx) => {
      if (!(await claimToken(tx, row.id))) throw badToken();
      await tx.nativeUpdate(OneTimeToken, { user: user.id, purpose: 'reset-password', usedAt: null }, { usedAt: new Date() });
      // The mailed token proves the address too.
      await tx.nativeUpdate(User, { id: user.id }, { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? new Date() });
      await this.sessions.revokeAllOf(tx, user.id);
    });
    await this.sessions.revokeUser(user.id);
    await this.delays.clear(user.email);
  }

  async profile(userId: string): Promise<User | null> {
    return this.deps.orm.em.fork().findOne(User, { id: userId, deletedAt: null });
  }

  async updateProfile(userId: string, input: ProfileInput): Promise<User> {
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(User, { id: userId, deletedAt: null });
    if (!user) throw new AccountError('NOT_FOUND', 'account not found');
    if (input.name !== undefined) user.name = normalizeName(input.name);
    if (input.phone !== undefined) user.phone = normalizePhone(input.phone);
    if (input.language !== undefined) user.language = normalizeLanguage(input.language);
    await em.flush();
    return user;
  }

  /**
   * Closes the account and erases its personal data: the address, name, phone and password go, its
   * credentials (RFID tags) are blocked and unlinked, every sign-in ends. Sessions stay, anonymous.
   */
  async deleteAccount(userId: string, password: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(User, { id: userId, deletedAt: null });
    if (!user) throw new AccountError('NOT_FOUND', 'account not found');
    await this.delays.checkAccount(user.email);
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.delays.failedAccount(user.email, user);
      throw badField('password', 'wrong password');
    }
    if (user.role === 'ADMIN' && (await em.count(User, { role: 'ADMIN', deletedAt: null })) <= 1)
      throw new AccountError('CONFLICT', 'the last administrator cannot delete their account');
    const erased = `deleted-${user.id}@invalid`;
    const sql = em.getConnection();
    const tags = await sql.execute<{ id: string; value: string; owner_id: string | null }[]>(
      'select id, value, owner_id from id_token where owner_id = ? or parent_id in (select id from id_token where owner_id = ?)',
      [user.id, user.id],
    );
    await em.transactional(async (tx) => {
      const now = new Date();
      await tx.nativeUpdate(
        User,
        { id: user.id },
        { email: erased, name: null, phone: null, passwordHash: `!erased!${randomToken()}`, emailVerifiedAt: null, deletedAt: now },
      );
      // The tags stay linked to the erased account (no personal data left in it) so the stations whose
      // local lists hold them can be told they are blocked.
      await tx.nativeUpdate(IdToken, { owner: user.id }, { status: 'Blocked' });
      await this.sessions.revokeAllOf(tx, user.id);
      await tx.nativeUpdate(OneTimeToken, { user: user.id, usedAt: null }, { usedAt: now });
      await tx.nativeDelete(EmailOutbox, { to: user.email, sentAt: null });
      await tx.nativeUpdate(EmailOutbox, { to: user.email }, { to: erased, data: {} });
    });
    await this.sessions.revokeUser(user.id);
    await this.deps.authorization.invalidateAll(tags.map((t) => t.value));
    await this.deps.credentialsBlocked?.(tags.filter((t) => t.owner_id === user.id).map((t) => t.id));
    await this.delays.clear(user.email);
  }

  /** A staff or driver account made by an admin or operator; without a password, the user is invited to choose one. */
  async createUser(input: NewUserInput): Promise<User> {
    const email = normalizeEmail(input.email);
    const profile = { name: normalizeName(input.name), phone: normalizePhone(input.phone), language: normalizeLanguage(input.language) };
    if (input.role === 'OPERATOR' && !input.organisationId) throw badField('organisationId', 'required for an operator');
    if (input.role === 'ADMIN' && input.organisationId) throw badField('organisationId', 'an administrator belongs to no organisation');
    if (input.password) assertPassword(input.password, email);
    const em = this.deps.orm.em.fork();
    const organisation = input.organisationId ? await em.findOne(Organisation, { id: input.organisationId }) : null;
    if (input.organisationId && !organisation) throw new AccountError('NOT_FOUND', `organisation ${input.organisationId} not found`);
    const taken = () => new AccountError('CONFLICT', 'email: already registered', { field: 'email' });
    if (await em.findOne(User, { email })) throw taken();
    const passwordHash = await hashPassword(input.password || randomToken());
    const user = em.create(User, { email, passwordHash, role: input.role, organisation, ...profile });
    if (input.password) this.mailToken(em, user, 'confirm-email', 'confirm-email', 24 * hour);
    else this.mailToken(em, user, 'reset-password', 'invite', 72 * hour);
    try {
      await em.flush();
    } catch (error) {
      throw error instanceof UniqueConstraintViolationException ? taken() : error;
    }
    return user;
  }

  /** A one-time token and the mail that carries it, in the caller's unit of work. */
  private mailToken(em: EntityManager, user: User, purpose: TokenPurpose, template: MailTemplate, ttlMs: number) {
    const token = issueOneTimeToken(em, user, purpose, ttlMs);
    const link = accountLink(this.deps.linkBase, purpose, token);
    queueMail(em, user.email, template, { token, link, ...(user.name ? { name: user.name } : {}) });
  }

  /** A mail without a token, at most `mailsPerAddress` per address. */
  private async mailOnce(to: string, template: MailTemplate, data: Record<string, string>) {
    if (!(await this.rate.take('mail', to, this.limits.mailsPerAddress)).allowed) return;
    const em = this.deps.orm.em.fork();
    queueMail(em, to, template, data);
    await em.flush();
  }

  /** Spends what checking a password costs, so an unknown address answers as slowly as a known one. */
  private async wasteTime(password: string): Promise<false> {
    this.dummyHash ??= hashPassword(randomToken());
    await verifyPassword(await this.dummyHash, password);
    return false;
  }
}
