import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../../simulator/providers/stripe/server.js';
import { FakeStripe } from '../../simulator/providers/stripe/server.js';
import { ProviderError } from './errors.js';
import { type PaymentProvider, type PaymentRequest, supported, type Unsupported } from './provider.js';
import { stripeProvider } from './stripe.js';

// The Stripe adapter, through the official SDK, against the local server written from Stripe's API reference.

describe('stripe: the card adapter against a local Stripe', () => {
  let stripe: FakeStripe;
  let provider: PaymentProvider;
  const fn = <T>(value: T) => supported('stripe', 'do this', value) as Exclude<T, Unsupported>;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    provider = stripeProvider(stripe.settings({ timeoutMs: 300 }));
  });
  afterAll(() => stripe?.close());

  /** A customer with one card saved through a SetupIntent, as the app saves it. */
  async function aCustomer(card = 'pm_card_visa') {
    const { customerId } = await fn(provider.createPayer)({ userId: randomUUID(), email: 'ada@example.com' });
    const { action } = await fn(provider.saveMethod)(customerId);
    const methodId = await stripe.confirmSetup(String(action?.setupIntentId), card);
    return { customerId, methodId };
  }
  const request = (payer: { customerId: string; methodId: string }, overrides: Partial<PaymentRequest> = {}): PaymentRequest => ({
    reference: randomUUID(),
    amountMinor: 1180,
    currency: 'RWF',
    purpose: 'invoice',
    payer,
    organisationId: randomUUID(),
    description: 'EV charging invoice',
    capture: 'automatic',
    ...overrides,
  });

  it('makes one customer per driver, saves cards with a SetupIntent, lists them and keeps a default', async () => {
    const userId = randomUUID();
    const first = await fn(provider.createPayer)({ userId });
    expect(await fn(provider.createPayer)({ userId })).toEqual(first);
    const { action } = await fn(provider.saveMethod)(first.customerId);
    expect(action).toMatchObject({ type: 'setup_card', clientSecret: expect.stringMatching(/^seti_.+_secret_/) });
    const visa = await stripe.confirmSetup(String(action?.setupIntentId), 'pm_card_visa');
    const second = await fn(provider.saveMethod)(first.customerId);
    const master = await stripe.confirmSetup(String(second.action?.setupIntentId), 'pm_card_mastercard');
    await fn(provider.setDefaultMethod)(first.customerId, master);
    const methods = await fn(provider.listMethods)(first.customerId);
    expect(methods).toEqual([
      { id: visa, brand: 'visa', last4: '4242', expMonth: 12, expYear: expect.any(Number), isDefault: false },
      { id: master, brand: 'mastercard', last4: '4444', expMonth: 12, expYear: expect.any(Number), isDefault: true },
    ]);
    await fn(provider.removeMethod)(first.customerId, visa);
    expect((await fn(provider.listMethods)(first.customerId)).map((m) => m.id)).toEqual([master]);
    const other = await fn(provider.createPayer)({ userId: randomUUID() });
    await expect(fn(provider.removeMethod)(other.customerId, master)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const sent = stripe.received.find((r) => r.path === '/v1/setup_intents');
    expect(sent?.headers.authorization).toBe(`Bearer ${stripe.secretKey}`);
    expect(sent?.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('charges a saved card off-session once per attempt (idempotency keys), remembering the intent before confirming', async () => {
    const payer = await aCustomer();
    const remembered: string[] = [];
    const asked = request(payer, { remember: async (id) => void remembered.push(id) });
    const status = await provider.authorise(asked);
    expect(status).toMatchObject({ state: 'captured', amountMinor: 1180, currency: 'RWF', transactionId: expect.stringMatching(/^ch_/) });
    expect(remembered).toEqual([status.providerReference]);
    expect(await provider.authorise(asked)).toMatchObject({ state: 'captured', providerReference: status.providerReference });
    expect(
      [...stripe.intents.values()].filter((i) => (i.metadata as Record<string, string>).evcms_payment === asked.reference),
    ).toHaveLength(1);
    const create = stripe.received.find(
      (r) => r.path === '/v1/payment_intents' && r.headers['idempotency-key'] === `${asked.reference}:create`,
    );
    expect(create?.body).toContain('capture_method=automatic');
    expect(await provider.status(String(status.providerReference))).toMatchObject({ state: 'captured', amountMinor: 1180 });
  });

  it('fails a declined card with its decline code, and reports 3-D Secure as requires_action with the client secret', async () => {
    const declined = await provider.authorise(request(await aCustomer('pm_card_chargeDeclined')));
    expect(declined).toMatchObject({ state: 'failed', reason: 'generic_decline' });
    const poor = await provider.authorise(request(await aCustomer('pm_card_chargeDeclinedInsufficientFunds')));
    expect(poor).toMatchObject({ state: 'failed', reason: 'insufficient_funds' });
    const secure = await provider.authorise(request(await aCustomer('pm_card_authenticationRequired')));
    expect(secure).toMatchObject({
      state: 'requires_action',
      reason: 'authentication_required',
      action: { type: 'authenticate', clientSecret: expect.stringMatching(/^pi_.+_secret_/) },
    });
    await stripe.authenticate(String(secure.providerReference));
    expect(await provider.status(String(secure.providerReference))).toMatchObject({ state: 'captured' });
  });

  it('holds with capture_method=manual, captures at most the hold, releases one not needed', async () => {
    const payer = await aCustomer();
    const hold = await provider.authorise(request(payer, { capture: 'manual', amountMinor: 5000 }));
    expect(hold).toMatchObject({ state: 'authorised', amountMinor: 5000 });
    const reference = String(hold.providerReference);
    expect(await fn(provider.capture)(reference, 3200)).toMatchObject({ state: 'captured', amountMinor: 3200 });
    // A second capture (another process, a retry) is the same capture: the key replays it, Stripe's intent says so.
    expect(await fn(provider.capture)(reference, 3200)).toMatchObject({ state: 'captured', amountMinor: 3200 });
    const other = await provider.authorise(request(payer, { capture: 'manual', amountMinor: 5000 }));
    expect(await fn(provider.capture)(String(other.providerReference), 6000)).toMatchObject({ state: 'authorised' });
    expect(await fn(provider.cancel)(String(other.providerReference))).toMatchObject({ state: 'cancelled' });
  });

  it('refunds in part and in whole, once per key, and refuses more than was taken', async () => {
    const status = await provider.authorise(request(await aCustomer()));
    const reference = String(status.providerReference);
    expect(await fn(provider.refund)(reference, 180, 'refund-1')).toMatchObject({ state: 'refunded', amountMinor: 180 });
    expect(await fn(provider.refund)(reference, 180, 'refund-1')).toMatchObject({ state: 'refunded', amountMinor: 180 });
    expect(stripe.intents.get(reference)?.amount_refunded).toBe(180);
    await expect(fn(provider.refund)(reference, 5000, 'refund-2')).rejects.toMatchObject({
      providerCode: 'amount_too_large',
      retryable: false,
    });
    expect(await fn(provider.refund)(reference, 1000, 'refund-3')).toMatchObject({ amountMinor: 1000 });
  });

  it('rides out a 500 and a timeout by retrying with the same key, and says so when Stripe stays silent', async () => {
    const payer = await aCustomer();
    stripe.fault({ route: 'POST /v1/payment_intents', status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    const asked = request(payer);
    expect(await provider.authorise(asked)).toMatchObject({ state: 'captured' });
    stripe.fault({ route: 'POST /v1/payment_intents', hangMs: 1000 });
    expect(await provider.authorise(request(payer))).toMatchObject({ state: 'captured' });
    stripe.fault({ route: 'POST /v1/payment_intents', hangMs: 2000, times: 5 });
    const silent = provider.authorise(request(payer));
    await expect(silent).rejects.toBeInstanceOf(ProviderError);
    await expect(silent).rejects.toMatchObject({ retryable: true });
    expect(await provider.status(randomUUID())).toMatchObject({ notFound: true });
    expect(await provider.status('pi_unknown')).toMatchObject({ notFound: true });
  });

  it('accepts a webhook signed with the endpoint secret, and refuses a forged, stale or unsigned one', () => {
    const body = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1,
      data: { object: { id: 'pi_1', object: 'payment_intent', status: 'succeeded', amount_received: 1, currency: 'rwf' } },
    });
    const inbound = (header?: string) => ({
      method: 'POST',
      path: 'webhook',
      headers: header ? { 'stripe-signature': header } : {},
      body,
    });
    const claim = provider.verifyCallback(inbound(signature(body, stripe.webhookSecret, new Date())));
    expect(claim).toEqual({ reference: 'pi_1', claimed: 'captured', verified: true, event: 'evt_1' });
    for (const header of [
      signature(body, 'whsec_forged000000', new Date()),
      signature(body, stripe.webhookSecret, new Date(Date.now() - 10 * 60_000)),
      undefined,
    ]) {
      expect(() => provider.verifyCallback(inbound(header))).toThrow(/stripe-signature/);
    }
  });
});
