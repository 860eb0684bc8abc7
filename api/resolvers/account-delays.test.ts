import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTransport } from '../../auth/mail-transport.js';
import { defaultLoginDelayLimits } from '../../auth/login-delays.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

interface Answer {
  data: { login?: { token: string; deviceToken: string | null } | null; unlockAccount?: boolean } | null;
  errors?: Array<{ message: string; extensions: { code: string; retryAfter?: number } }>;
}

const password = 'Kigali-rain-7-bicycles';
const anEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.rw`;
const login = `mutation($email: String!, $password: String!, $deviceToken: String) {
  login(email: $email, password: $password, deviceToken: $deviceToken) { token deviceToken } }`;
const unlock = 'mutation($token: String!) { unlockAccount(token: $token) }';
const code = (answer: Answer) => answer.errors?.[0]?.extensions.code ?? 'OK';
const retryAfter = (answer: Answer) => answer.errors?.[0]?.extensions.retryAfter as number;
/** A distinct loopback address per caller, so each test's client addresses are its own. */
let lastHost = 0;
const anAddress = () => `127.0.${Math.floor(++lastHost / 250) + 10}.${(lastHost % 250) + 1}`;

describe('sign-in delays', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const limits = system.deps.accounts.limits;
    limits.loginPerIp = { max: 1000, windowSeconds: 60 };
    // Waits far longer than a test takes, so no answer depends on how fast the machine is.
    limits.accountBackoff = { ...defaultLoginDelayLimits.accountBackoff, firstDelaySeconds: 60 };
    limits.addressBackoff = { ...defaultLoginDelayLimits.addressBackoff, firstDelaySeconds: 60 };
  });
  afterAll(() => system?.close());

  /** A GraphQL call over HTTP from that client address (a loopback address of its own). */
  function gqlFrom(ip: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
    const url = new URL(`${system.apiUrl}/graphql`);
    return new Promise((resolve, reject) => {
      const call = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          localAddress: ip,
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve(JSON.parse(body) as Answer));
        },
      );
      call.on('error', reject);
      call.end(JSON.stringify({ query, variables }));
    });
  }
  const signIn = (ip: string, email: string, secret = password, deviceToken?: string) =>
    gqlFrom(ip, login, { email, password: secret, ...(deviceToken ? { deviceToken } : {}) });

  async function anAccount(label: string) {
    const email = anEmail(label);
    await system.deps.accounts.register({ email, password }, anAddress());
    return email;
  }
  /** Wrong passwords on the account, each from a new address; the codes answered. */
  async function attack(email: string, times: number) {
    const codes = [];
    for (let i = 0; i < times; i++) codes.push(code(await signIn(anAddress(), email, `wrong-password-${i}`)));
    return codes;
  }
  async function mailsTo(to: string) {
    await system.deps.mail.sendPending();
    return (system.deps.mail.transport as LogTransport).sent.filter((m) => m.to === to);
  }
  const unlockTokenIn = (text = '') => /\/account\/unlock\?token=([A-Za-z0-9_-]{43})\n/.exec(text)?.[1] as string;

  it('lets the owner in with a device token while an attacker fails from five addresses', async () => {
    const email = await anAccount('operator');
    const home = anAddress();
    const first = await signIn(home, email);
    const deviceToken = first.data?.login?.deviceToken as string;
    expect(deviceToken).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(await attack(email, 5)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    const owner = await signIn(home, email, password, deviceToken);
    expect(code(owner)).toBe('OK');
    expect(owner.data?.login?.token).toBeTruthy();
    expect(code(await signIn(anAddress(), email, password, deviceToken))).toBe('OK'); // from anywhere: it is the device that counts
  });

  it('delays the owner without a device token, saying when to retry, until the mailed link lifts the delay', async () => {
    const email = await anAccount('owner');
    const strangersDevice = (await signIn(anAddress(), await anAccount('stranger'))).data?.login?.deviceToken as string;
    await attack(email, 6);
    const delayed = await signIn(anAddress(), email);
    expect([code(delayed), delayed.errors?.[0]?.message]).toEqual([
      'RATE_LIMITED',
      expect.stringMatching(/^too many failed sign-ins for this account/),
    ]);
    expect(retryAfter(delayed)).toBeGreaterThan(0);
    expect(retryAfter(delayed)).toBeLessThanOrEqual(60);
    expect(code(await signIn(anAddress(), email, password, strangersDevice))).toBe('RATE_LIMITED'); // another account's device token
    const mails = await mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual(['Confirm your email address', 'Failed sign-ins on your account']); // one, not one per failure
    const token = unlockTokenIn(mails[1]?.text);
    expect(mails[1]?.text).toContain(`${system.deps.config.PUBLIC_HOST}:${system.deps.config.API_PORT}/account/unlock?token=${token}`);
    expect(await gqlFrom(anAddress(), unlock, { token })).toEqual({ data: { unlockAccount: true } });
    expect(code(await signIn(anAddress(), email))).toBe('OK');
    expect(code(await gqlFrom(anAddress(), unlock, { token }))).toBe('BAD_USER_INPUT'); // once only
  });

  it('makes each wait longer than the one before', async () => {
    const limits = system.deps.accounts.limits;
    const saved = limits.accountBackoff;
    limits.accountBackoff = { ...saved, firstDelaySeconds: 3 };
    try {
      const email = await anAccount('patient');
      await attack(email, 4);
      const firstWait = retryAfter(await signIn(anAddress(), email, 'wrong-again'));
      const caller = anAddress();
      let answer = await signIn(caller, email, 'wrong-once-more');
      while (code(answer) === 'RATE_LIMITED') {
        await new Promise((resume) => setTimeout(resume, 250));
        answer = await signIn(caller, email, 'wrong-once-more'); // refused until the wait is over, then a failure
      }
      expect(code(answer)).toBe('UNAUTHENTICATED');
      const secondWait = retryAfter(await signIn(anAddress(), email));
      expect(firstWait).toBeGreaterThan(0);
      expect(secondWait).toBeGreaterThan(firstWait);
    } finally {
      limits.accountBackoff = saved;
    }
  });

  it('slows an address that tries many accounts, and only that address', async () => {
    const sprayer = anAddress();
    const codes = [];
    for (let i = 0; i < 11; i++) codes.push(code(await signIn(sprayer, anEmail('sprayed'), 'guess-123456')));
    expect(codes).toEqual(Array(11).fill('UNAUTHENTICATED')); // one failure per account: no account is delayed
    const email = await anAccount('neighbour');
    const slowed = await signIn(sprayer, email);
    expect([code(slowed), slowed.errors?.[0]?.message]).toEqual([
      'RATE_LIMITED',
      expect.stringMatching(/^too many failed sign-ins from this address/),
    ]);
    expect(retryAfter(slowed)).toBeGreaterThan(0);
    expect(code(await signIn(anAddress(), email))).toBe('OK');
  });

  it('forgets the failures of an account once its owner signs in', async () => {
    const email = await anAccount('typist');
    expect(await attack(email, 3)).toEqual(Array(3).fill('UNAUTHENTICATED'));
    expect(code(await signIn(anAddress(), email))).toBe('OK');
    expect(await attack(email, 3)).toEqual(Array(3).fill('UNAUTHENTICATED'));
    expect(code(await signIn(anAddress(), email))).toBe('OK');
  });

  it('answers an unknown address exactly as a known one, delays included', async () => {
    const answers = async (email: string) => {
      const seen = [];
      for (let i = 0; i < 6; i++) {
        const answer = await signIn(anAddress(), email, `wrong-password-${i}`);
        // The seconds to wait may tick between the two runs; whether there are some may not.
        const errors = answer.errors?.map((e) => ({
          message: e.message.replace(/\d+ s$/, 'N s'),
          code: e.extensions.code,
          waits: e.extensions.retryAfter! > 0,
        }));
        seen.push({ data: answer.data, errors });
      }
      return seen;
    };
    const known = await answers(await anAccount('known'));
    const unknown = await answers(anEmail('unknown'));
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.errors?.[0]?.code)).toEqual([...Array(4).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});
