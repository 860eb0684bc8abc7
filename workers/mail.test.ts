import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailService, queueMail } from '../auth/mail-outbox.js';
import { type LogTransport, logTransport, type MailTransport, outboxOnlyTransport } from '../auth/mail-transport.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { startMailWorker } from './mail.js';

const anAddress = () => `mail-${randomBytes(4).toString('hex')}@example.rw`;

describe('the mail worker', () => {
  let system: TestSystem;
  const sql = () => system.deps.orm.em.fork().getConnection();
  const rowsTo = (to: string) =>
    sql().execute('select data, attempts, last_error, sent_at from email_outbox where "to" = ? order by id', [to]);
  async function queue(to: string, token = 'secret-token') {
    const em = system.deps.orm.em.fork();
    queueMail(em, to, 'reset-password', { token, link: `https://app.example/account/reset-password?token=${token}`, name: 'Alice' });
    await em.flush();
  }
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
  });
  afterAll(() => system?.close());

  it('sends unsent mails, marks them sent and erases their secrets', async () => {
    const to = anAddress();
    await queue(to);
    const worker = await startMailWorker(system.deps, { intervalMs: 20 });
    try {
      const sent = (system.deps.mail.transport as LogTransport).sent;
      const mail = await eventually(() => sent.find((m) => m.to === to));
      expect(mail.subject).toBe('Reset your password');
      expect(mail.text).toContain('Hello Alice,');
      expect(mail.text).toContain('https://app.example/account/reset-password?token=secret-token');
      const [row] = await eventually(async () => {
        const rows = await rowsTo(to);
        return rows[0]?.sent_at ? rows : undefined;
      });
      expect(row).toMatchObject({ data: { name: 'Alice' }, attempts: 1, last_error: null });
    } finally {
      await worker.close();
    }
  });

  it('retries a failing transport, counting attempts and keeping the last error, then gives up', async () => {
    const to = anAddress();
    await queue(to);
    let calls = 0;
    const failing: MailTransport = {
      name: 'failing',
      async send() {
        calls++;
        throw new Error(`relay refused (${calls})`);
      },
    };
    const mail = new MailService(
      { orm: system.deps.orm, transport: failing, log: system.deps.log },
      { retryBaseSeconds: 0, maxAttempts: 3 },
    );
    for (let i = 0; i < 4; i++) await mail.sendPending();
    const rows = await rowsTo(to);
    expect(rows).toEqual([
      { data: expect.objectContaining({ token: 'secret-token' }), attempts: 3, last_error: 'relay refused (3)', sent_at: null },
    ]);
    expect(calls).toBe(3);
  });

  it('waits before retrying a mail that failed', async () => {
    const to = anAddress();
    await queue(to);
    const failing: MailTransport = {
      name: 'failing',
      send: async () => {
        throw new Error('down');
      },
    };
    const mail = new MailService({ orm: system.deps.orm, transport: failing, log: system.deps.log }, { retryBaseSeconds: 30 });
    await mail.sendPending();
    const second = await mail.sendPending();
    expect(second).toEqual({ sent: 0, failed: 0 });
    expect((await rowsTo(to))[0]).toMatchObject({ attempts: 1, last_error: 'down' });
  });

  it('never sends a mail twice when two workers drain the outbox at once', async () => {
    const addresses = Array.from({ length: 6 }, anAddress);
    for (const to of addresses) await queue(to);
    const transport = logTransport(system.deps.log, { record: true });
    const mail = () => new MailService({ orm: system.deps.orm, transport, log: system.deps.log }, { batchSize: 2 });
    const a = mail();
    const b = mail();
    for (let round = 0; round < 4; round++) await Promise.all([a.sendPending(), b.sendPending()]);
    expect(
      transport.sent
        .filter((m) => addresses.includes(m.to))
        .map((m) => m.to)
        .sort(),
    ).toEqual([...addresses].sort());
  });

  it('does not run with the outbox-only transport: mail waits for an external relay', async () => {
    const to = anAddress();
    await queue(to);
    const mail = new MailService({ orm: system.deps.orm, transport: outboxOnlyTransport(), log: system.deps.log });
    const worker = await startMailWorker({ mail, log: system.deps.log }, { intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect((await rowsTo(to))[0]).toMatchObject({ attempts: 0, sent_at: null });
  });
});
