import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTransport } from '../../auth/mail-transport.js';
import { User } from '../../schema/entities/index.js';
import { gql } from '../../test/api.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const anEmail = () => `page-${randomBytes(4).toString('hex')}@example.rw`;
const password = 'Kigali-rain-7-bicycles';
const register = 'mutation($input: RegisterInput!) { register(input: $input) }';
const login = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';

describe('the pages the links in account mails open', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'], env: { NODE_ENV: 'development' } });
  });
  afterAll(() => system?.close());

  /** The link in the last mail to that address, pointed at this test's API (the mail names the configured host). */
  async function linkTo(to: string): Promise<URL> {
    await system.deps.mail.sendPending();
    const mail = (system.deps.mail.transport as LogTransport).sent.filter((m) => m.to === to).at(-1);
    const link = new URL(/https?:\/\/\S+\/account\/\S+/.exec(mail?.text ?? '')?.[0] as string);
    return new URL(`${link.pathname}${link.search}`, system.apiUrl);
  }
  const submit = (link: URL, fields: Record<string, string>, language = 'en') =>
    fetch(new URL(link.pathname, system.apiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': language },
      body: new URLSearchParams({ token: link.searchParams.get('token') ?? '', ...fields }),
    });

  it('confirms an address: the link shows a form that changes nothing, the form confirms, once', async () => {
    const email = anEmail();
    await gql(system, register, { input: { email, password, name: 'Aline' } });
    const link = await linkTo(email);
    expect(link.pathname).toBe('/account/confirm-email');
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toContain('text/html');
    const html = await shown.text();
    expect(html).toContain('<form method="post"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const user = () => system.deps.orm.em.fork().findOneOrFail(User, { email });
    expect((await user()).emailVerifiedAt).toBeNull();
    const done = await submit(link, {});
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your email address is confirmed');
    expect((await user()).emailVerifiedAt).toBeInstanceOf(Date);
    const again = await submit(link, {});
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('That did not work');
  });

  it('resets a password in French, under the password policy, and the new one signs in', async () => {
    const email = anEmail();
    await gql(system, register, { input: { email, password, name: 'Eric' } });
    await gql(system, 'mutation($email: String!) { requestPasswordReset(email: $email) }', { email });
    const link = await linkTo(email);
    expect(link.pathname).toBe('/account/reset-password');
    expect(await (await fetch(link, { headers: { 'accept-language': 'fr-RW,fr;q=0.9' } })).text()).toContain(
      'Choisissez un nouveau mot de passe',
    );
    const weak = await submit(link, { password: 'short' }, 'fr');
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('Cela n’a pas marché');
    const fresh = 'Musanze-volcano-42-hills';
    const done = await submit(link, { password: fresh }, 'fr');
    expect(done.status).toBe(200);
    expect((await gql(system, login, { email, password: fresh })).data?.login).toBeTruthy();
  });

  it('answers a page, never a 500, to a bad token, no token or an unknown page, in Kinyarwanda when asked', async () => {
    const bad = await fetch(new URL('/account/confirm-email', system.apiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'rw' },
      body: 'token=not-a-token',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Ntibyakunze');
    expect((await fetch(new URL('/account/unlock', system.apiUrl))).status).toBe(400);
    expect((await fetch(new URL('/account/nothing?token=x', system.apiUrl))).status).toBe(404);
  });

  it('shows the outbox at /dev/mail in development, the links clickable', async () => {
    const email = anEmail();
    await gql(system, register, { input: { email, password, name: 'Diane' } });
    await system.deps.mail.sendPending();
    const response = await fetch(new URL('/dev/mail', system.apiUrl));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`to ${email}`);
    expect(html).toMatch(/<a href="http:\/\/[^"]+\/account\/confirm-email\?token=[A-Za-z0-9_-]{43}">/);
  });
});

describe('the development outbox in production', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      roles: ['api'],
      env: { NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('hex'), REDIS_DURABILITY: 'off' },
    });
  });
  afterAll(() => system?.close());

  it('is not there', async () => {
    expect((await fetch(new URL('/dev/mail', system.apiUrl))).status).toBe(404);
  });
});
