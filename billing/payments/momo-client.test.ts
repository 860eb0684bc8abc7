import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMomo } from '../../simulator/providers/momo-server.js';
import { ProviderError } from './errors.js';
import { MomoClient, type MomoRequestToPay } from './momo-client.js';

const aRequest = (overrides: Partial<MomoRequestToPay> = {}): MomoRequestToPay => ({
  amount: '25.00',
  currency: 'EUR',
  externalId: randomUUID(),
  payer: { partyIdType: 'MSISDN', partyId: '46733123459' },
  payerMessage: 'EV charging wallet top-up',
  payeeNote: 'EV charging wallet top-up',
  ...overrides,
});

describe('the MTN MoMo Collection client, against a local server speaking the documented API', () => {
  let fake: FakeMomo;
  beforeAll(async () => {
    fake = await FakeMomo.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('asks for a request-to-pay with the documented headers and body, and is told 202', async () => {
    const client = new MomoClient(fake.settings());
    const reference = randomUUID();
    const body = aRequest({ externalId: reference });
    expect(await client.requestToPay(reference, body, 'http://127.0.0.1:9/payments/momo/callback/x')).toBe('accepted');
    const sent = fake.received.filter((r) => r.path === '/collection/v1_0/requesttopay').at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.headers).toMatchObject({
      'x-reference-id': reference,
      'x-target-environment': 'sandbox',
      'ocp-apim-subscription-key': fake.subscriptionKey,
      'x-callback-url': 'http://127.0.0.1:9/payments/momo/callback/x',
      'content-type': 'application/json',
    });
    expect(sent?.headers.authorization).toMatch(/^Bearer .+/);
    expect(sent?.body).toEqual(body);
    const token = fake.received.find((r) => r.path === '/collection/token/');
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.apiUser}:${fake.apiKey}`).toString('base64')}`);
  });

  it('hears 409 RESOURCE_ALREADY_EXIST for a reference MTN has: a retry, not a second payment', async () => {
    const client = new MomoClient(fake.settings());
    const reference = randomUUID();
    expect(await client.requestToPay(reference, aRequest(), null)).toBe('accepted');
    expect(await client.requestToPay(reference, aRequest(), null)).toBe('duplicate');
    expect([...fake.requests.keys()].filter((k) => k === reference)).toHaveLength(1);
  });

  it('reads the status: PENDING, then SUCCESSFUL with its financialTransactionId; a 200 that says FAILED with the reason; 404 as none', async () => {
    const client = new MomoClient(fake.settings());
    const approved = randomUUID();
    const declined = randomUUID();
    await client.requestToPay(approved, aRequest(), null);
    await client.requestToPay(declined, aRequest(), null);
    expect(await client.requestToPayStatus(approved)).toMatchObject({ status: 'PENDING', amount: '25.00', currency: 'EUR' });
    await fake.settle(approved, 'SUCCESSFUL');
    await fake.settle(declined, 'FAILED', { reason: 'APPROVAL_REJECTED' });
    expect(await client.requestToPayStatus(approved)).toMatchObject({ status: 'SUCCESSFUL', financialTransactionId: expect.any(String) });
    expect(await client.requestToPayStatus(declined)).toMatchObject({ status: 'FAILED', reason: 'APPROVAL_REJECTED' });
    expect(await client.requestToPayStatus(randomUUID())).toBeNull();
  });

  it('keeps its token for its expires_in, and fetches a new one after a 401', async () => {
    const client = new MomoClient(fake.settings());
    const before = fake.tokensIssued;
    await client.requestToPayStatus(randomUUID());
    await client.requestToPayStatus(randomUUID());
    expect(fake.tokensIssued).toBe(before + 1);
    fake.revokeTokens();
    expect(await client.requestToPayStatus(randomUUID())).toBeNull();
    expect(fake.tokensIssued).toBe(before + 2);
  });

  it('fetches a token again once it is near its expiry', async () => {
    const shortLived = await FakeMomo.start({ tokenSeconds: 1 });
    try {
      const client = new MomoClient(shortLived.settings());
      await client.requestToPayStatus(randomUUID());
      await new Promise((resolve) => setTimeout(resolve, 600));
      await client.requestToPayStatus(randomUUID());
      expect(shortLived.tokensIssued).toBe(2);
    } finally {
      await shortLived.close();
    }
  });

  it('reports refusals with MTN code and message, never a credential', async () => {
    const wrongKey = new MomoClient(fake.settings({ apiKey: 'not-the-api-key' }));
    const refused = await wrongKey.requestToPayStatus(randomUUID()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ status: 401, retryable: false, providerCode: 'login_failed' });
    expect(String((refused as Error).message)).not.toContain('not-the-api-key');
    const client = new MomoClient(fake.settings());
    const badCurrency = await client.requestToPay(randomUUID(), aRequest({ currency: 'RWF' }), null).catch((error: unknown) => error);
    expect(badCurrency).toMatchObject({ providerCode: 'INVALID_CURRENCY', retryable: true });
    const badReference = await client.requestToPay('not-a-uuid', aRequest(), null).catch((error: unknown) => error);
    expect(badReference).toMatchObject({ status: 400, retryable: false, providerCode: 'INVALID_PARAMETER' });
  });

  it('says a 500 or an answer that never comes is worth retrying', async () => {
    const client = new MomoClient(fake.settings({ timeoutMs: 300 }));
    fake.fault({
      route: 'GET /collection/v1_0/requesttopay/',
      status: 500,
      body: { code: 'INTERNAL_PROCESSING_ERROR', message: 'An internal error occurred.' },
    });
    await expect(client.requestToPayStatus(randomUUID())).rejects.toMatchObject({
      status: 500,
      retryable: true,
      providerCode: 'INTERNAL_PROCESSING_ERROR',
    });
    fake.fault({ route: 'GET /collection/v1_0/requesttopay/', hangMs: 1000 });
    await expect(client.requestToPayStatus(randomUUID())).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining('no answer within 300 ms'),
    });
  });
});
