import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAirtel } from '../../simulator/providers/airtel-server.js';
import { airtelMsisdn, airtelState } from './airtel.js';
import { AirtelClient, type AirtelPaymentRequest } from './airtel-client.js';

const aPayment = (id = randomUUID(), overrides: Partial<AirtelPaymentRequest['transaction']> = {}): AirtelPaymentRequest => ({
  reference: 'EV charging wallet top-up',
  subscriber: { country: 'RW', currency: 'RWF', msisdn: '731234567' },
  transaction: { amount: 2500, country: 'RW', currency: 'RWF', id, ...overrides },
});

describe('the Airtel Money collections client, against a local server speaking the documented API', () => {
  let fake: FakeAirtel;
  beforeAll(async () => {
    fake = await FakeAirtel.start('RW', 'RWF');
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('takes an OAuth2 client-credentials token and pushes a payment with X-Country, X-Currency and the documented body', async () => {
    const client = new AirtelClient(fake.settings());
    const id = randomUUID();
    await client.pay(aPayment(id));
    const token = fake.received.find((r) => r.path === '/auth/oauth2/token');
    expect(token?.body).toEqual({ client_id: fake.clientId, client_secret: fake.clientSecret, grant_type: 'client_credentials' });
    const sent = fake.received.find((r) => r.path === '/merchant/v1/payments/');
    expect(sent?.headers).toMatchObject({ 'x-country': 'RW', 'x-currency': 'RWF', 'content-type': 'application/json' });
    expect(sent?.headers.authorization).toMatch(/^Bearer .+/);
    expect(sent?.body).toEqual(aPayment(id));
    expect(fake.payments.get(id)).toMatchObject({ status: 'TIP', amount: 2500, msisdn: '731234567' });
  });

  it('reads the enquiry: TIP, then TS with the airtel_money_id, or TF; an unknown id as none', async () => {
    const client = new AirtelClient(fake.settings());
    const paid = randomUUID();
    const failed = randomUUID();
    await client.pay(aPayment(paid));
    await client.pay(aPayment(failed));
    expect(await client.enquiry(paid)).toMatchObject({ id: paid, status: 'TIP' });
    await fake.settle(paid, 'TS');
    await fake.settle(failed, 'TF');
    expect(await client.enquiry(paid)).toMatchObject({ status: 'TS', airtel_money_id: expect.stringMatching(/^MP/) });
    expect(await client.enquiry(failed)).toMatchObject({ status: 'TF' });
    expect(await client.enquiry(randomUUID())).toBeNull();
  });

  it('keeps the token its expires_in says (given as text), and takes a new one after a 401', async () => {
    const client = new AirtelClient(fake.settings());
    const before = fake.tokensIssued;
    await client.enquiry(randomUUID());
    await client.enquiry(randomUUID());
    expect(fake.tokensIssued).toBe(before + 1);
    fake.revokeTokens();
    await client.enquiry(randomUUID());
    expect(fake.tokensIssued).toBe(before + 2);
  });

  it("reports Airtel's refusals (success false) with its response code, and 5xx or silence as worth retrying", async () => {
    const client = new AirtelClient(fake.settings({ timeoutMs: 300 }));
    const id = randomUUID();
    await client.pay(aPayment(id));
    await expect(client.pay(aPayment(id))).rejects.toMatchObject({ retryable: false, providerCode: 'DP00800001009' });
    await expect(client.pay(aPayment(randomUUID(), { amount: 0 }))).rejects.toMatchObject({ status: 400, retryable: false });
    await expect(new AirtelClient(fake.settings({ clientSecret: 'wrong-secret' })).enquiry(id)).rejects.toMatchObject({
      status: 401,
      providerCode: 'invalid_client',
    });
    fake.fault({ route: 'GET /standard/v1/payments/', status: 502, body: { status: { code: '502', success: false } } });
    await expect(client.enquiry(id)).rejects.toMatchObject({ status: 502, retryable: true });
    fake.fault({ route: 'POST /merchant/v1/payments/', hangMs: 1000 });
    await expect(client.pay(aPayment(randomUUID()))).rejects.toMatchObject({ retryable: true });
  });

  it('gives Airtel the number without the country code, and maps its statuses', () => {
    expect(airtelMsisdn('250731234567', 'RW')).toBe('731234567');
    expect(() => airtelMsisdn('256701234567', 'RW')).toThrow(/msisdn: expected a number of RW/);
    expect(['TS', 'TF', 'TE', 'TIP', 'TA', 'XX'].map(airtelState)).toEqual([
      'captured',
      'failed',
      'failed',
      'pending',
      'pending',
      'pending',
    ]);
  });
});
