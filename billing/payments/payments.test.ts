import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser } from '../../test/api.js';
import { sql } from '../../test/builders.js';
import { FakeAirtel } from '../../simulator/providers/airtel-server.js';
import { freePort } from '../../simulator/providers/fake-http.js';
import { FakeMomo } from '../../simulator/providers/momo-server.js';
import { eventually, startTestSystem, type TestSystem } from '../../test/system.js';
import { momoProvider } from './momo.js';
import { PaymentService } from './service.js';

// Payments against real PostgreSQL and the local MoMo and Airtel servers (simulator/providers/): the API role serves the
// callbacks, so a callback travels as MTN's would, and money is read in the ledger itself.

describe('payments: money into the ledger only on what the provider confirms, once', () => {
  let system: TestSystem;
  let momo: FakeMomo;
  let airtel: FakeAirtel;
  let organisationId: string;
  /** Another process's payments (a worker, or one after a restart), with a 2 s timeout on its calls to MTN. */
  let other: PaymentService;

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    airtel = await FakeAirtel.start('RW', 'RWF');
    const port = await freePort();
    system = await startTestSystem({
      roles: ['api'],
      env: { API_PORT: String(port), ...momo.env(`http://127.0.0.1:${port}/payments/momo/callback`), ...airtel.env() },
    });
    airtel.callbackUrl = `${system.apiUrl}/payments/airtel/callback`;
    organisationId = (await anOrganisation(system)).organisationId;
    const callbackUrl = `${system.apiUrl}/payments/momo/callback`;
    other = new PaymentService({ ...system.deps, providers: { momo: momoProvider(momo.settings({ callbackUrl })) } });
  });
  afterAll(async () => {
    await system?.close();
    await momo?.close();
    await airtel?.close();
  });

  const payments = () => system.deps.payments;
  const aDriver = async () => (await aUser(system, 'DRIVER')).id;
  const balance = async (userId: string) => (await system.deps.ledger.wallet(organisationId, userId, 'RWF')).balanceMinor;
  const postings = (paymentId: string) =>
    sql<{ kind: string }>(system, 'select kind from ledger_transaction where idempotency_key = ?', [`payment:${paymentId}`]);
  const topUp = async (userId: string, amountMinor = 2500, msisdn = '250788123456', method: 'momo' | 'airtel' = 'momo') =>
    payments().topUpWallet({ userId, organisationId, amountMinor, method, msisdn });
  const state = async (id: string) => (await payments().get(id))?.state;
  const callback = (path: string, body: unknown, method = 'PUT') =>
    fetch(`${system.apiUrl}/payments/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('credits a top-up the payer approves once MTN says SUCCESSFUL, and once only, however often it hears so', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    expect(attempt).toMatchObject({ state: 'pending', provider: 'momo', amountMinor: 2500, currency: 'RWF', payerMsisdn: '250788123456' });
    expect(momo.requests.get(attempt.id)).toMatchObject({ amount: '2500', currency: 'RWF', externalId: attempt.id });
    expect(momo.requests.get(attempt.id)?.callbackUrl).toBe(`${system.apiUrl}/payments/momo/callback/${attempt.id}`);
    expect(await balance(driver)).toBe(0);

    await momo.settle(attempt.id, 'SUCCESSFUL');
    expect(momo.callbacks.at(-1)?.answered).toBe(200);
    expect(await state(attempt.id)).toBe('captured');
    expect(await balance(driver)).toBe(2500);
    const clearing = await system.deps.ledger.account(organisationId, 'provider_clearing', 'RWF');
    expect(await system.deps.ledger.verifiedBalance(clearing.id)).toBeLessThanOrEqual(-2500);

    // The same callback again, a poll, and a recovery read: nothing more.
    const again = await callback(`momo/callback/${attempt.id}`, momo.callbacks.at(-1)?.body);
    expect(again.status).toBe(200);
    await payments().refresh(attempt.id, 'poll');
    expect(await balance(driver)).toBe(2500);
    expect(await postings(attempt.id)).toEqual([{ kind: 'top-up' }]);
    const after = await payments().get(attempt.id);
    expect(after?.history.map((h) => `${h.from} -> ${h.to}`)).toEqual(['null -> pending', 'pending -> captured']);
    expect(after?.providerTransactionId).toBe(momo.requests.get(attempt.id)?.financialTransactionId);
  });

  it('credits nothing when a callback says SUCCESSFUL and MTN says FAILED, or has not decided', async () => {
    const driver = await aDriver();
    const declined = await topUp(driver);
    await momo.settle(declined.id, 'FAILED', { reason: 'APPROVAL_REJECTED', claim: 'SUCCESSFUL' });
    expect(await payments().get(declined.id)).toMatchObject({ state: 'failed', reason: 'APPROVAL_REJECTED' });

    const undecided = await topUp(driver);
    const forged = await callback(`momo/callback/${undecided.id}`, {
      externalId: undecided.id,
      amount: '2500',
      currency: 'RWF',
      status: 'SUCCESSFUL',
    });
    expect(await forged.json()).toEqual({ paymentId: undecided.id, state: 'pending' });
    expect(await balance(driver)).toBe(0);
    expect(await postings(declined.id)).toEqual([]);
    expect(await postings(undecided.id)).toEqual([]);
  });

  it('refuses callbacks it cannot use with a 4xx that says why, and changes nothing', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    const cases: Array<[string, string, string, number]> = [
      ['momo/callback/' + attempt.id, 'PUT', 'not json', 400],
      ['momo/callback/' + randomUUID(), 'PUT', '{}', 404],
      ['momo/callback', 'PUT', '{"status":"SUCCESSFUL"}', 400],
      [`momo/callback/${attempt.id}`, 'PUT', JSON.stringify({ externalId: randomUUID(), status: 'SUCCESSFUL' }), 400],
      [`momo/callback/${attempt.id}`, 'GET', '', 400],
      ['stripe/webhook', 'POST', '{}', 404],
    ];
    for (const [path, method, body, status] of cases) {
      const response = await fetch(`${system.apiUrl}/payments/${path}`, { method, ...(method === 'GET' ? {} : { body }) });
      expect({ path, method, status: response.status }).toEqual({ path, method, status });
    }
    expect(await payments().get(attempt.id)).toMatchObject({ state: 'pending', history: [expect.objectContaining({ to: 'pending' })] });
  });

  it('fails a declined request-to-pay and an unknown number, crediting nothing', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    await momo.settle(attempt.id, 'FAILED', { reason: 'APPROVAL_REJECTED', callback: false });
    expect(await payments().refresh(attempt.id, 'poll')).toMatchObject({ state: 'failed', reason: 'APPROVAL_REJECTED' });
    await expect(topUp(driver, 2500, '12')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'msisdn' } });
    await expect(topUp(driver, 0)).rejects.toMatchObject({ details: { field: 'amountMinor' } });
    await expect(
      payments().topUpWallet({ userId: driver, organisationId, amountMinor: 100, currency: 'EUR', method: 'momo', msisdn: '250788123456' }),
    ).rejects.toMatchObject({
      details: { field: 'currency' },
    });
    expect(await balance(driver)).toBe(0);
  });

  it('asks again with the same X-Reference-Id when MTN does not answer in time, and is charged once', async () => {
    const driver = await aDriver();
    momo.fault({ route: 'POST /collection/v1_0/requesttopay', hangMs: 2500 });
    const attempt = await other.topUpWallet({ userId: driver, organisationId, amountMinor: 2500, method: 'momo', msisdn: '250788123456' });
    expect(attempt.state).toBe('pending');
    const sent = momo.received.filter((r) => r.path === '/collection/v1_0/requesttopay' && r.headers['x-reference-id'] === attempt.id);
    expect(sent.length).toBe(2);
    await eventually(() => momo.requests.has(attempt.id));
    await momo.settle(attempt.id, 'SUCCESSFUL');
    expect(await balance(driver)).toBe(2500);
  });

  it('keeps an attempt pending through 500s and timeouts of the status, and applies the status once it comes', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    await momo.settle(attempt.id, 'SUCCESSFUL', { callback: false });
    momo.fault({
      route: 'GET /collection/v1_0/requesttopay/',
      status: 500,
      body: { code: 'INTERNAL_PROCESSING_ERROR', message: 'An internal error occurred.' },
    });
    await expect(payments().refresh(attempt.id, 'poll')).rejects.toMatchObject({ retryable: true });
    momo.fault({ route: 'GET /collection/v1_0/requesttopay/', hangMs: 2500 });
    await expect(other.refresh(attempt.id, 'poll')).rejects.toMatchObject({ retryable: true });
    expect(await state(attempt.id)).toBe('pending');
    expect(await balance(driver)).toBe(0);
    expect(await payments().refresh(attempt.id, 'poll')).toMatchObject({ state: 'captured' });
    expect(await balance(driver)).toBe(2500);
  });

  it('recovers from a crash between "MTN says SUCCESSFUL" and "ledger written": no money lost, none counted twice', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    await momo.settle(attempt.id, 'SUCCESSFUL', { callback: false });
    // The process dies inside the transaction that writes the ledger: here, PostgreSQL refuses the entries.
    await sql(system, `create function crash_fn() returns trigger as $$ begin raise exception 'simulated crash'; end; $$ language plpgsql`);
    await sql(system, 'create trigger simulated_crash before insert on ledger_entry for each row execute function crash_fn()');
    await expect(payments().refresh(attempt.id, 'poll')).rejects.toThrow(/simulated crash/);
    expect(await state(attempt.id)).toBe('pending');
    expect(await postings(attempt.id)).toEqual([]);
    await sql(system, 'drop trigger simulated_crash on ledger_entry');
    await sql(system, 'drop function crash_fn()');

    // A new process: what is open comes from the attempt rows, what happened from MTN.
    expect(await other.open()).toContain(attempt.id);
    expect(await other.refresh(attempt.id, 'recovery')).toMatchObject({ state: 'captured' });
    await other.refresh(attempt.id, 'recovery');
    await payments().refresh(attempt.id, 'poll');
    expect(await balance(driver)).toBe(2500);
    expect(await postings(attempt.id)).toEqual([{ kind: 'top-up' }]);
  });

  it('applies callbacks and polls of one payment arriving at once, once', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver);
    await momo.settle(attempt.id, 'SUCCESSFUL', { callback: false });
    const body = { externalId: attempt.id, amount: '2500', currency: 'RWF', status: 'SUCCESSFUL' };
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => callback(`momo/callback/${attempt.id}`, body).then((r) => r.status)),
      ...Array.from({ length: 4 }, () => other.refresh(attempt.id, 'a poll').then((a) => (a.state === 'captured' ? 200 : 0))),
    ]);
    expect(answers).toEqual(Array(8).fill(200));
    expect(await balance(driver)).toBe(2500);
    expect(await postings(attempt.id)).toEqual([{ kind: 'top-up' }]);
    expect((await payments().get(attempt.id))?.history).toHaveLength(2);
  });

  it('is one payment per idempotency key: a retried top-up asks MTN once', async () => {
    const driver = await aDriver();
    const input = {
      userId: driver,
      organisationId,
      amountMinor: 700,
      method: 'momo' as const,
      msisdn: '250788123456',
      idempotencyKey: 'tap-1',
    };
    const [first, second] = await Promise.all([payments().topUpWallet(input), payments().topUpWallet(input)]);
    expect(second?.id).toBe(first?.id);
    expect([...momo.requests.keys()].filter((k) => k === first?.id)).toHaveLength(1);
    await expect(payments().topUpWallet({ ...input, amountMinor: 800 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('tops up through Airtel Money, reading its enquiry back after its callback', async () => {
    const driver = await aDriver();
    const attempt = await topUp(driver, 3000, '250731234567', 'airtel');
    expect(airtel.payments.get(attempt.id)).toMatchObject({ msisdn: '731234567', amount: 3000 });
    await airtel.settle(attempt.id, 'TF', { claim: 'TS' });
    expect(await state(attempt.id)).toBe('failed');
    const paid = await topUp(driver, 3000, '250731234567', 'airtel');
    await airtel.settle(paid.id, 'TS');
    expect(airtel.callbacks.at(-1)?.answered).toBe(200);
    expect(await payments().get(paid.id)).toMatchObject({
      state: 'captured',
      providerTransactionId: airtel.payments.get(paid.id)?.airtelMoneyId,
    });
    expect(await balance(driver)).toBe(3000);
  });

  describe('paying an invoice', () => {
    const anInvoice = async (userId: string, inclTaxMinor = 1180, taxMinor = 180) => {
      const [invoice] = await sql<{ id: string }>(
        system,
        `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
           status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', ?, ?, ?, 'open', now(), now() + interval '14 days')
         returning id`,
        [organisationId, `PAY-${randomUUID().slice(0, 8)}`, userId, inclTaxMinor - taxMinor, taxMinor, inclTaxMinor],
      );
      return invoice?.id as string;
    };
    const invoiceStatus = async (id: string) =>
      (await sql<{ status: string }>(system, 'select status from invoice where id = ?', [id]))[0]?.status;
    const credit = (userId: string, amountMinor: number) =>
      system.deps.ledger.creditWallet({
        organisationId,
        userId,
        currency: 'RWF',
        amountMinor,
        actor: null,
        reason: 'test',
        idempotencyKey: randomUUID(),
      });

    it('by MoMo: paid once MTN confirms, the money into revenue and tax payable', async () => {
      const driver = await aDriver();
      const invoiceId = await anInvoice(driver);
      const attempt = await payments().payInvoice({ invoiceId, userId: driver, method: 'momo', msisdn: '250788123456' });
      await expect(payments().payInvoice({ invoiceId, userId: driver, method: 'momo', msisdn: '250788123456' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await invoiceStatus(invoiceId)).toBe('open');
      await momo.settle(attempt.id, 'SUCCESSFUL');
      expect(await invoiceStatus(invoiceId)).toBe('paid');
      const entries = await sql<{ kind: string; amount_minor: string }>(
        system,
        `select a.kind, e.amount_minor from ledger_entry e join ledger_account a on a.id = e.account_id
           join ledger_transaction t on t.id = e.transaction_id where t.idempotency_key = ? order by a.kind`,
        [`payment:${attempt.id}`],
      );
      expect(entries).toEqual([
        { kind: 'provider_clearing', amount_minor: '-1180' },
        { kind: 'revenue', amount_minor: '1000' },
        { kind: 'tax_payable', amount_minor: '180' },
      ]);
      await expect(payments().payInvoice({ invoiceId, userId: driver, method: 'momo', msisdn: '250788123456' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('from the wallet: taken at once when it holds the money, refused when not', async () => {
      const driver = await aDriver();
      await credit(driver, 1500);
      const first = await anInvoice(driver);
      expect(await payments().payInvoice({ invoiceId: first, userId: driver, method: 'wallet' })).toMatchObject({ state: 'captured' });
      expect(await invoiceStatus(first)).toBe('paid');
      expect(await balance(driver)).toBe(320);
      const second = await anInvoice(driver);
      expect(await payments().payInvoice({ invoiceId: second, userId: driver, method: 'wallet' })).toMatchObject({
        state: 'failed',
        reason: 'NOT_ENOUGH_FUNDS',
      });
      expect(await invoiceStatus(second)).toBe('open');
      expect(await balance(driver)).toBe(320);
      const stranger = await aDriver();
      await expect(payments().payInvoice({ invoiceId: second, userId: stranger, method: 'wallet' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
});
