import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshToken } from '../schema/entities/index.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { AccountService } from './accounts.js';
import { hashToken } from './one-time-tokens.js';

const password = 'Kigali-rain-7-bicycles';
const anEmail = () => `acc-${randomBytes(4).toString('hex')}@example.rw`;

/** The refusal an async call ends in: its code, message and details. */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; message: string; details?: Record<string, unknown> };
    return { code: e.code, message: e.message, details: e.details };
  }
  throw new Error('expected a refusal');
}

describe('AccountService', () => {
  let system: TestSystem;
  let accounts: AccountService;
  const sql = () => system.deps.orm.em.fork().getConnection();
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    const { orm, redis, tokens, log, authorization, config } = system.deps;
    accounts = new AccountService(
      {
        orm,
        redis,
        prefix: config.REDIS_PREFIX,
        tokens,
        secretKey: 'test-secret-key',
        log,
        authorization,
        linkBase: 'https://app.example',
      },
      { registerPerIp: { max: 3, windowSeconds: 60 }, mailsPerAddress: { max: 2, windowSeconds: 3600 } },
    );
  });
  afterAll(() => system?.close());

  it('limits registrations per client address, saying when to try again', async () => {
    for (let i = 0; i < 3; i++) await accounts.register({ email: anEmail(), password }, '203.0.113.7');
    const limited = await refusal(accounts.register({ email: anEmail(), password }, '203.0.113.7'));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: expect.any(Number) } });
    await accounts.register({ email: anEmail(), password }, '203.0.113.8'); // another address is not held back
  });

  it('stores only hashes of the mailed tokens and of refresh tokens', async () => {
    const email = anEmail();
    await accounts.register({ email, password }, '198.51.100.1');
    const [mail] = await sql().execute<{ data: { token: string; link: string } }[]>('select data from email_outbox where "to" = ?', [
      email,
    ]);
    expect(mail?.data.link).toBe(`https://app.example/account/confirm-email?token=${mail?.data.token}`);
    const stored = await sql().execute('select hash from one_time_token where hash = ? or hash = ?', [
      mail?.data.token,
      hashToken(mail?.data.token ?? ''),
    ]);
    expect(stored).toEqual([{ hash: hashToken(mail?.data.token ?? '') }]);
    const { refreshToken } = await accounts.login(email, password, '198.51.100.1');
    const em = system.deps.orm.em.fork();
    expect(await em.count(RefreshToken, { hash: refreshToken })).toBe(0);
    expect(await em.count(RefreshToken, { hash: hashToken(refreshToken) })).toBe(1);
  });

  it('lets only one of two simultaneous refreshes with the same token through, and then revokes the family', async () => {
    const email = anEmail();
    await accounts.register({ email, password }, '198.51.100.2');
    const { refreshToken } = await accounts.login(email, password, '198.51.100.2');
    const results = await Promise.allSettled([accounts.refresh(refreshToken), accounts.refresh(refreshToken)]);
    const won = results.filter(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<AccountService['refresh']>>> => r.status === 'fulfilled',
    );
    expect(won).toHaveLength(1);
    expect(await refusal(accounts.refresh(won[0]?.value.refreshToken ?? ''))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an expired refresh token', async () => {
    const email = anEmail();
    await accounts.register({ email, password }, '198.51.100.3');
    const { refreshToken } = await accounts.login(email, password, '198.51.100.3');
    await sql().execute(`update refresh_token set expires_at = now() - interval '1 second' where hash = ?`, [hashToken(refreshToken)]);
    expect(await refusal(accounts.refresh(refreshToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an expired reset token, and mails an address at most so often', async () => {
    const email = anEmail();
    await accounts.register({ email, password }, '198.51.100.4');
    for (let i = 0; i < 4; i++) await accounts.requestPasswordReset(email, '198.51.100.4');
    const resets = await sql().execute<{ data: { token: string } }[]>(
      `select data from email_outbox where "to" = ? and template = 'reset-password' order by id`,
      [email],
    );
    expect(resets).toHaveLength(2);
    await sql().execute(`update one_time_token set expires_at = now() - interval '1 second' where hash = ?`, [
      hashToken(resets[0]?.data.token ?? ''),
    ]);
    expect(await refusal(accounts.resetPassword(resets[0]?.data.token ?? '', 'Brand-new-passphrase'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^token: /),
    });
    await accounts.resetPassword(resets[1]?.data.token ?? '', 'Brand-new-passphrase');
    await accounts.login(email, 'Brand-new-passphrase', '198.51.100.4');
  });

  it('keeps the last administrator', async () => {
    const admin = await accounts.createUser({ email: anEmail(), password, role: 'ADMIN', organisationId: null });
    expect(await refusal(accounts.deleteAccount(admin.id, password))).toMatchObject({ code: 'CONFLICT' });
  });
});
