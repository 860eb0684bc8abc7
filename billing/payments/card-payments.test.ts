import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser } from '../../test/api.js';
import { sql } from '../../test/builders.js';
import { FakeStripe, signature } from '../../simulator/providers/stripe/server.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import type { PaymentProvider } from './provider.js';
import { PaymentService } from './service.js';
import { stripeProvider } from './stripe.js';

// Card payments against real PostgreSQL and the local Stripe server: the API role serves the webhook endpoint,
// so events travel signed as Stripe's would, and money is read in the ledger itself.

describe('card payments: Stripe charges, webhooks, faults and refunds, into the ledger once', () => {
  let system: TestSystem;
  let stripe: FakeStripe;
  let organisationId: string;
  const started = new Date();

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    system = await startTestSystem({ roles: ['api'], env: stripe.env() });
    stripe.webhookUrl = `${system.apiUrl}/payments/stripe/webhook`;
    organisationId = (await anOrganisation(system)).organisationId;
  });
  afterAll(async () => {
    await system?.close();
    await stripe?.close();
  });

  const payments = () => system.deps.payments;
  const card = () => payments().provider('stripe');
  /** A driver with a card saved as the app saves it (SetupIntent confirmed with its client secret). */
  async function aDriverWithCard(testCard = 'pm_card_visa') {
    const driver = (await aUser(system, 'DRIVER')).id;
    const { setupIntentId, clientSecret } = await payments().cards.add(card(), driver);
    expect(clientSecret).toMatch(/_secret_/);
    const methodId = await stripe.confirmSetup(setupIntentId, testCard);
    await stripe.delivered();
    return { driver, methodId };
  }
  async function anOpenInvoice(driver: string, total = 1180, tax = 180) {
    const [invoice] = await sql<{ id: string }>(
      system,
      `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
         status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', ?, ?, ?, 'open', now(), now()) returning id`,
      [organisationId, `CARD-${Math.random().toString(36).slice(2, 10)}`, driver, total - tax, tax, total],
    );
    return invoice?.id as string;
  }
  const invoiceStatus = async (id: string) =>
    (await sql<{ status: string }>(system, 'select status from invoice where id = ?', [id]))[0]?.status;
  const postings = (paymentId: string) =>
    sql<{ kind: string }>(system, `select kind from ledger_transaction where reference = ? order by created_at`, [paymentId]);
  const webhook = (body: string, header: string) =>
    fetch(stripe.webhookUrl as string, { method: 'POST', headers: { 'stripe-signature': header }, body });

  it('pays an invoice with the saved default card, once, into revenue and tax', async () => {
    const { driver, methodId } = await aDriverWithCard();
    expect(await payments().cards.list(card(), driver)).toMatchObject([{ id: methodId, brand: 'visa', last4: '4242' }]);
    const invoiceId = await anOpenInvoice(driver);
    const paid = await payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    expect(paid).toMatchObject({ state: 'captured', provider: 'stripe', amountMinor: 1180, capturedMinor: 1180, payerMsisdn: null });
    expect(paid.providerReference).toMatch(/^pi_/);
    expect(await invoiceStatus(invoiceId)).toBe('paid');
    await stripe.delivered(); // payment_intent.succeeded came as well: it changed nothing more
    expect(await postings(paid.id)).toEqual([{ kind: 'invoice-payment' }]);
    expect((await payments().get(paid.id))?.history.map((h) => h.to)).toEqual(['pending', 'captured']);
  });

  it('applies a signed event once, however often it comes, and refuses forged and stale ones with 400, changing nothing', async () => {
    const { driver } = await aDriverWithCard('pm_card_authenticationRequired');
    const invoiceId = await anOpenInvoice(driver);
    const asked = await payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    expect(asked).toMatchObject({ state: 'requires_action', reason: 'authentication_required' });
    expect(asked.action).toMatchObject({ clientSecret: expect.stringMatching(/^pi_.+_secret_/) });
    await stripe.delivered();
    const intentId = asked.providerReference as string;
    const intent = stripe.intents.get(intentId) as Record<string, unknown>;

    // A forged and a stale event saying it succeeded: refused, nothing moves.
    const claim = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { ...intent, status: 'succeeded', amount_received: 1180 } },
    });
    expect((await webhook(claim, signature(claim, 'whsec_notthesecret', new Date()))).status).toBe(400);
    expect((await webhook(claim, signature(claim, stripe.webhookSecret, new Date(Date.now() - 3_600_000)))).status).toBe(400);
    expect((await webhook(claim, 'garbage')).status).toBe(400);
    expect((await payments().get(asked.id))?.state).toBe('requires_action');

    // The payer authenticates in the app; Stripe's real event then settles it, and a redelivery changes nothing.
    await stripe.authenticate(intentId);
    await stripe.delivered();
    const succeeded = stripe.deliveries.findLast((d) => d.event.type === 'payment_intent.succeeded');
    expect(succeeded?.answered).toBe(200);
    expect(await payments().get(asked.id)).toMatchObject({ state: 'captured', capturedMinor: 1180 });
    expect(await stripe.deliver(succeeded?.event as Record<string, unknown>)).toBe(200);
    expect(await postings(asked.id)).toEqual([{ kind: 'invoice-payment' }]);
    expect(await invoiceStatus(invoiceId)).toBe('paid');
    // A signed event about an intent that is not evcms's, and one about no payment (a card saved): received, nothing changes.
    const foreign = JSON.stringify({
      ...(succeeded?.event as object),
      id: 'evt_foreign',
      data: { object: { ...intent, id: 'pi_foreign' } },
    });
    const answer = await webhook(foreign, signature(foreign, stripe.webhookSecret, new Date()));
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 200, body: { received: true } });
    expect(stripe.deliveries.find((d) => d.event.type === 'setup_intent.succeeded')?.answered).toBe(200);
  });

  it('withdraws a payment the payer never authenticated at its deadline, so the invoice can be paid otherwise', async () => {
    const { driver } = await aDriverWithCard('pm_card_authenticationRequired');
    const invoiceId = await anOpenInvoice(driver);
    const hurried = new PaymentService({ ...system.deps, pollForMs: 1, providers: { stripe: card() } });
    const asked = await hurried.payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    expect(asked.state).toBe('requires_action');
    expect(await hurried.expire(asked.id)).toMatchObject({ state: 'cancelled' });
    expect(stripe.intents.get(asked.providerReference as string)?.status).toBe('canceled');
    expect(await invoiceStatus(invoiceId)).toBe('open');
  });

  it('fails a declined card, leaving the invoice open for another try', async () => {
    const { driver } = await aDriverWithCard('pm_card_chargeDeclined');
    const invoiceId = await anOpenInvoice(driver);
    const declined = await payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    expect(declined).toMatchObject({ state: 'failed', reason: 'generic_decline' });
    expect(await invoiceStatus(invoiceId)).toBe('open');
    expect(await postings(declined.id)).toEqual([]);
    const none = (await aUser(system, 'DRIVER')).id;
    await expect(payments().payInvoice({ invoiceId: await anOpenInvoice(none), userId: none, method: 'stripe' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('recovers a crash between "Stripe captured" and "ledger written" from the attempt row and Stripe, counting it once', async () => {
    const { driver } = await aDriverWithCard();
    const invoiceId = await anOpenInvoice(driver);
    // Another process whose card provider takes the money at Stripe, then dies before anything is written.
    const real = stripeProvider(stripe.settings());
    const crashing: PaymentProvider = {
      ...real,
      authorise: async (request) => {
        await real.authorise(request);
        throw new Error('process killed');
      },
    };
    const dying = new PaymentService({ ...system.deps, providers: { stripe: crashing } });
    await expect(dying.payInvoice({ invoiceId, userId: driver, method: 'stripe' })).rejects.toThrow('process killed');
    const [left] = await sql<{ id: string; state: string; provider_reference: string }>(
      system,
      'select id, state, provider_reference from payment_attempt where invoice_id = ?',
      [invoiceId],
    );
    expect(left).toMatchObject({ state: 'pending', provider_reference: expect.stringMatching(/^pi_/) });
    expect(await postings(left?.id as string)).toEqual([]);
    // After the restart: the poll (or the webhook, or the sweep) reads Stripe and settles it, once.
    const recovered = await Promise.all([
      payments().refresh(left?.id as string, 'recovery'),
      payments().refresh(left?.id as string, 'poll'),
    ]);
    expect(recovered.map((r) => r.state)).toEqual(['captured', 'captured']);
    await stripe.delivered();
    expect(await postings(left?.id as string)).toEqual([{ kind: 'invoice-payment' }]);
    expect(await invoiceStatus(invoiceId)).toBe('paid');
  });

  it('takes one payment of an invoice asked twice at once', async () => {
    const { driver } = await aDriverWithCard();
    const invoiceId = await anOpenInvoice(driver);
    const both = await Promise.allSettled([
      payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' }),
      payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' }),
    ]);
    const captured = both.filter((r) => r.status === 'fulfilled' && r.value.state === 'captured');
    expect(captured).toHaveLength(1);
    const other = both.find((r) => r !== captured[0]);
    // The second is refused while the first is under way, or fails as the invoice is paid meanwhile (money to the wallet is no loss).
    if (other?.status === 'rejected') expect(other.reason).toMatchObject({ code: expect.stringMatching(/CONFLICT/) });
    const ledgered = await sql<{ n: string }>(
      system,
      `select count(*) as n from ledger_transaction t join payment_attempt a on t.reference = a.id::text
       where a.invoice_id = ? and t.kind = 'invoice-payment'`,
      [invoiceId],
    );
    expect(Number(ledgered[0]?.n)).toBe(1);
  });

  it('waits out a Stripe that does not answer, then settles by the status', async () => {
    const { driver } = await aDriverWithCard();
    const invoiceId = await anOpenInvoice(driver);
    const slow = new PaymentService({ ...system.deps, providers: { stripe: stripeProvider(stripe.settings({ timeoutMs: 200 })) } });
    stripe.fault({ route: 'POST /v1/payment_intents/', hangMs: 4000, times: 3 });
    const unsure = await slow.payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    expect(unsure).toMatchObject({ state: 'pending', reason: 'NO_ANSWER', providerReference: expect.stringMatching(/^pi_/) });
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the first confirmation reaches Stripe at last
    // Stripe answers the poll with a 500 first: the SDK asks again, and the status settles it.
    stripe.fault({ route: 'GET /v1/payment_intents/', status: 500, body: { error: { type: 'api_error', message: 'down' } } });
    expect(await payments().refresh(unsure.id, 'poll')).toMatchObject({ state: 'captured' });
    expect(await postings(unsure.id)).toEqual([{ kind: 'invoice-payment' }]);
  });

  it('refunds in part and in whole through Stripe and the ledger, once per request', async () => {
    const { driver } = await aDriverWithCard();
    const invoiceId = await anOpenInvoice(driver);
    const paid = await payments().payInvoice({ invoiceId, userId: driver, method: 'stripe' });
    const actor = (await aUser(system, 'OPERATOR')).id;
    const part = await Promise.all([
      payments().refunds.refund({ paymentId: paid.id, amountMinor: 590, actor }),
      payments().refunds.refund({ paymentId: paid.id, amountMinor: 590, actor }),
    ]);
    expect(part.map((p) => p.refundedMinor)).toContain(590);
    expect((await payments().get(paid.id))?.refundedMinor).toBe(590);
    expect(stripe.intents.get(paid.providerReference as string)?.amount_refunded).toBe(590);
    await expect(payments().refunds.refund({ paymentId: paid.id, amountMinor: 5000, actor })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await payments().refunds.refund({ paymentId: paid.id, actor })).toMatchObject({ state: 'refunded', refundedMinor: 1180 });
    const entries = await sql<{ kind: string; account: string; amount: string }>(
      system,
      `select t.kind, a.kind as account, sum(e.amount_minor) as amount from ledger_transaction t join ledger_entry e on e.transaction_id = t.id
       join ledger_account a on a.id = e.account_id where t.reference = ? group by t.kind, a.kind order by t.kind, a.kind`,
      [paid.id],
    );
    expect(entries).toEqual([
      { kind: 'invoice-payment', account: 'provider_clearing', amount: '-1180' },
      { kind: 'invoice-payment', account: 'revenue', amount: '1000' },
      { kind: 'invoice-payment', account: 'tax_payable', amount: '180' },
      { kind: 'refund', account: 'provider_clearing', amount: '1180' },
      { kind: 'refund', account: 'revenue', amount: '-1000' },
      { kind: 'refund', account: 'tax_payable', amount: '-180' },
    ]);
    await expect(payments().refunds.refund({ paymentId: paid.id, actor })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('reconciles every captured and refunded payment with the ledger, and reports a payment that disagrees', async () => {
    const clean = await payments().reconcile(started);
    expect(clean.checked).toBeGreaterThanOrEqual(6);
    expect(clean.differences).toEqual([]);
    const { driver } = await aDriverWithCard();
    const paid = await payments().payInvoice({ invoiceId: await anOpenInvoice(driver), userId: driver, method: 'stripe' });
    // A row that says more was taken than the books hold (as a lost posting or a bad write would leave it).
    await sql(system, 'update payment_attempt set captured_minor = 2000 where id = ?', [paid.id]);
    const report = await payments().reconcile(started);
    expect(report.differences).toEqual([
      expect.objectContaining({
        paymentId: paid.id,
        capturedMinor: 2000,
        ledgerCapturedMinor: 1180,
        refundedMinor: 0,
        ledgerRefundedMinor: 0,
      }),
    ]);
  });
});
