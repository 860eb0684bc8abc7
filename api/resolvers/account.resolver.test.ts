import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTransport } from '../../auth/mail-transport.js';
import { IdToken, User } from '../../schema/entities/index.js';
import { aStation } from '../../test/chargers.js';
import { errorCode, gql } from '../../test/api.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

interface Tokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
}

const anEmail = (label = 'driver') => `${label}-${randomBytes(4).toString('hex')}@example.rw`;
const password = 'Kigali-rain-7-bicycles';
const register = `mutation($input: RegisterInput!) { register(input: $input) }`;
const login = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token refreshToken expiresIn } }`;
const refresh = `mutation($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { token refreshToken expiresIn } }`;
const me = '{ me { id email name phone language role organisationId emailVerified } }';

describe('accounts in the API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    // This file signs in more often than a person would from one address.
    system.deps.accounts.limits.loginPerIp = { max: 1000, windowSeconds: 60 };
  });
  afterAll(() => system?.close());

  /** The last mail to that address, after the outbox was sent (as the mail worker would). */
  async function lastMailTo(to: string) {
    await system.deps.mail.sendPending();
    return (system.deps.mail.transport as LogTransport).sent.filter((m) => m.to === to).at(-1);
  }
  const tokenIn = (text: string | undefined) => /token=([A-Za-z0-9_-]{43})\n/.exec(text ?? '')?.[1] as string;
  const signIn = async (email: string, secret = password) =>
    (await gql<{ login: Tokens }>(system, login, { email, password: secret })).data?.login;

  describe('a driver, from registration to deletion', () => {
    const email = anEmail();
    let tokens: Tokens;

    it('registers and receives a confirmation mail with a token', async () => {
      const result = await gql(system, register, {
        input: { email: email.toUpperCase(), password, name: 'Alice Uwase', phone: '+250 788 123 456' },
      });
      expect(result.data).toEqual({ register: true });
      const mail = await lastMailTo(email);
      expect(mail?.subject).toBe('Confirm your email address');
      expect(tokenIn(mail?.text)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('signs in and says who is signed in, not yet confirmed', async () => {
      tokens = (await signIn(email)) as Tokens;
      expect(tokens.expiresIn).toBe(900);
      const result = await gql(system, me, {}, tokens.token);
      expect(result.data?.me).toMatchObject({ email, name: 'Alice Uwase', phone: '+250788123456', language: 'en', role: 'DRIVER' });
      expect(result.data?.me).toMatchObject({ organisationId: null, emailVerified: false });
    });

    it('confirms the address with the mailed token, once', async () => {
      const token = tokenIn((await lastMailTo(email))?.text);
      const confirm = 'mutation($token: String!) { confirmEmail(token: $token) }';
      expect((await gql(system, confirm, { token })).data).toEqual({ confirmEmail: true });
      expect((await gql<{ me: { emailVerified: boolean } }>(system, me, {}, tokens.token)).data?.me.emailVerified).toBe(true);
      const again = await gql(system, confirm, { token });
      expect(errorCode(again)).toBe('BAD_USER_INPUT');
      expect(again.errors?.[0]?.message).toMatch(/^token: /);
    });

    it('rotates the refresh token: the new pair works, the one used is refused afterwards', async () => {
      const rotated = await gql<{ refreshToken: Tokens }>(system, refresh, { refreshToken: tokens.refreshToken });
      const next = rotated.data?.refreshToken as Tokens;
      expect(next.refreshToken).not.toBe(tokens.refreshToken);
      expect((await gql(system, me, {}, next.token)).data?.me).toMatchObject({ email });
      expect(errorCode(await gql(system, refresh, { refreshToken: tokens.refreshToken }))).toBe('UNAUTHENTICATED');
      tokens = next;
    });

    it('takes that second use for a stolen copy and revokes the whole sign-in', async () => {
      expect(errorCode(await gql(system, refresh, { refreshToken: tokens.refreshToken }))).toBe('UNAUTHENTICATED');
      tokens = (await signIn(email)) as Tokens;
      expect((await gql(system, refresh, { refreshToken: tokens.refreshToken })).data?.refreshToken).toBeTruthy(); // a new sign-in is fine
    });

    it('logs out: the access token is refused and its refresh token ends', async () => {
      const other = (await signIn(email)) as Tokens;
      const out = await gql(system, 'mutation($r: String) { logout(refreshToken: $r) }', { r: tokens.refreshToken }, tokens.token);
      expect(out.data).toEqual({ logout: true });
      const refused = await gql(system, me, {}, tokens.token);
      expect([refused.status, errorCode(refused)]).toEqual([401, 'UNAUTHENTICATED']);
      expect(errorCode(await gql(system, refresh, { refreshToken: tokens.refreshToken }))).toBe('UNAUTHENTICATED');
      expect((await gql(system, me, {}, other.token)).data?.me).toMatchObject({ email }); // another sign-in goes on
      tokens = other;
    });

    it('updates the profile', async () => {
      const update = 'mutation($input: UpdateMeInput!) { updateMe(input: $input) { name phone language } }';
      const result = await gql(system, update, { input: { name: 'Alice U.', phone: null, language: 'rw-rw' } }, tokens.token);
      expect(result.data?.updateMe).toEqual({ name: 'Alice U.', phone: null, language: 'rw-RW' });
      const bad = await gql(system, update, { input: { phone: '0788' } }, tokens.token);
      expect([errorCode(bad), bad.errors?.[0]?.message.split(':')[0]]).toEqual(['BAD_USER_INPUT', 'phone']);
    });

    it('resets a forgotten password: the old password and older access tokens stop working', async () => {
      const ask = 'mutation($email: String!) { requestPasswordReset(email: $email) }';
      expect((await gql(system, ask, { email })).data).toEqual({ requestPasswordReset: true });
      const mail = await lastMailTo(email);
      expect(mail?.subject).toBe('Reset your password');
      const reset = 'mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) }';
      const weak = await gql(system, reset, { token: tokenIn(mail?.text), password: 'password123' });
      expect(errorCode(weak)).toBe('BAD_USER_INPUT');
      const done = await gql(system, reset, { token: tokenIn(mail?.text), password: 'Lake-Kivu-sunrise-42' });
      expect(done.data).toEqual({ resetPassword: true });
      expect(errorCode(await gql(system, me, {}, tokens.token))).toBe('UNAUTHENTICATED');
      expect(errorCode(await gql(system, refresh, { refreshToken: tokens.refreshToken }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await gql(system, login, { email, password }))).toBe('UNAUTHENTICATED');
      tokens = (await signIn(email, 'Lake-Kivu-sunrise-42')) as Tokens; // in the same second as the reset
      expect((await gql(system, me, {}, tokens.token)).data?.me).toMatchObject({ email });
    });

    it('answers a reset request for an unknown address as for a known one, and mails nothing', async () => {
      const stranger = anEmail('nobody');
      const result = await gql(system, 'mutation($email: String!) { requestPasswordReset(email: $email) }', { email: stranger });
      expect(result).toEqual({ status: 200, data: { requestPasswordReset: true } });
      expect(await lastMailTo(stranger)).toBeUndefined();
    });

    it('deletes the account: personal data erased, RFID tags blocked, sessions kept, no more sign-in', async () => {
      const em = system.deps.orm.em.fork();
      const user = await em.findOneOrFail(User, { email });
      const tag = em.create(IdToken, { value: `DEL${randomBytes(4).toString('hex').toUpperCase()}`, type: 'RFID', owner: user });
      await em.flush();
      const station = await aStation(system);
      const sql = em.getConnection();
      await sql.execute(
        `insert into charging_session (id, transaction_id, evse_id, start_key, station_id, connector_id, id_tag, id_token_id, auth_status, meter_start_wh, started_at, start_received_at, updated_at)
         values (gen_random_uuid(), nextval('ocpp16_transaction_id')::text, 1, ?, ?, 1, ?, ?, 'Accepted', 0, now(), now(), now())`,
        [`k-${tag.id}`, station.id, tag.value, tag.id],
      );
      const wrong = await gql(system, 'mutation { deleteAccount(password: "not-my-password") }', {}, tokens.token);
      expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
      const deleted = await gql(
        system,
        'mutation($p: String!) { deleteAccount(password: $p) }',
        { p: 'Lake-Kivu-sunrise-42' },
        tokens.token,
      );
      expect(deleted.data).toEqual({ deleteAccount: true });

      const [row] = await sql.execute('select email, name, phone, password_hash, deleted_at from app_user where id = ?', [user.id]);
      expect(row).toMatchObject({ email: `deleted-${user.id}@invalid`, name: null, phone: null });
      expect(row?.deleted_at).not.toBeNull();
      expect(row?.password_hash).not.toBe(user.passwordHash);
      // Blocked, and still linked to the erased account so stations' local lists can be told.
      expect(await sql.execute('select status, owner_id from id_token where id = ?', [tag.id])).toEqual([
        { status: 'Blocked', owner_id: user.id },
      ]);
      expect(await sql.execute('select count(*)::int as n from charging_session where id_token_id = ?', [tag.id])).toEqual([{ n: 1 }]);
      expect(await sql.execute('select count(*)::int as n from email_outbox where "to" = ?', [email])).toEqual([{ n: 0 }]);
      expect(errorCode(await gql(system, me, {}, tokens.token))).toBe('UNAUTHENTICATED');
      const again = await gql(system, login, { email, password: 'Lake-Kivu-sunrise-42' });
      expect([errorCode(again), again.errors?.[0]?.message]).toEqual(['UNAUTHENTICATED', 'email or password is wrong']);
    });
  });

  describe('bad input and bad credentials', () => {
    it.each(['not-an-email', 'a@b', 'alice@example..rw', ''])('refuses the malformed email "%s"', async (email) => {
      const result = await gql(system, register, { input: { email, password } });
      expect([errorCode(result), result.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'email: not a valid email address']);
    });

    it.each([
      ['short', 'Kigali-7', /^password: at least 10 characters$/],
      ['common', 'Password123!', /^password: too common/],
      ['containing the address', 'my-{local}-rocks', /^password: must not contain your email address$/],
    ])('refuses a weak password (%s)', async (_, weak, message) => {
      const local = `mutesi${randomBytes(3).toString('hex')}`;
      const result = await gql(system, register, { input: { email: `${local}@example.rw`, password: weak.replace('{local}', local) } });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    });

    it('answers a second registration of an address like the first, and mails its owner a notice instead', async () => {
      const email = anEmail('twice');
      const first = await gql(system, register, { input: { email, password } });
      const second = await gql(system, register, { input: { email, password: 'Another-good-passphrase' } });
      expect(second).toEqual(first);
      expect((await lastMailTo(email))?.subject).toBe('Someone tried to register with your address');
      expect(await system.deps.orm.em.fork().count(User, { email })).toBe(1);
    });

    it('refuses a tampered access token with 401 UNAUTHENTICATED', async () => {
      const email = anEmail();
      await gql(system, register, { input: { email, password } });
      const { token } = (await signIn(email)) as Tokens;
      const i = token.length - 10;
      const tampered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      const result = await gql(system, me, {}, tampered);
      expect([result.status, errorCode(result)]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('refuses an expired access token', async () => {
      const user = await system.deps.orm.em.fork().findOneOrFail(User, { role: 'DRIVER', deletedAt: null });
      const { token } = await system.deps.tokens.sign({ id: user.id, role: 'DRIVER', organisationId: null }, Date.now() - 3600_000);
      const result = await gql(system, me, {}, token);
      expect([result.status, errorCode(result), result.errors?.[0]?.message]).toEqual([
        401,
        'UNAUTHENTICATED',
        'the access token has expired',
      ]);
    });

    it('limits sign-ins per client address', async () => {
      const limits = system.deps.accounts.limits;
      const saved = limits.loginPerIp;
      const forget = async () => {
        const keys = await system.deps.redis.keys(`${system.config.REDIS_PREFIX}:ratelimit:login-ip:*`);
        if (keys.length) await system.deps.redis.del(...keys);
      };
      await forget();
      limits.loginPerIp = { max: 2, windowSeconds: 60 };
      try {
        const email = anEmail('busy');
        const codes = [];
        for (let i = 0; i < 3; i++) codes.push(errorCode(await gql(system, login, { email, password })));
        expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
      } finally {
        limits.loginPerIp = saved;
        await forget();
      }
    });

    it('asks who is calling before logout, me and deleteAccount', async () => {
      for (const query of [me, 'mutation { logout }', 'mutation { deleteAccount(password: "x") }'])
        expect(errorCode(await gql(system, query))).toBe('UNAUTHENTICATED');
    });
  });
});
