import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, gql } from '../../test/api.js';
import { aCard } from '../../test/permissions.js';
import { freePort } from '../../simulator/providers/fake-http.js';
import { FakeMomo } from '../../simulator/providers/momo-server.js';
import { liveClient, subscribe } from '../../test/live.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

// A driver tops their wallet up by MoMo through the API, the payer approves on their phone (the local MoMo
// server), MTN calls back, evcms reads the status back, and the wallet shows the money; a declined one shows none.

interface Payment {
  id: string;
  state: string;
  amountMinor: number;
  currency: string;
  reason: string | null;
}

describe('a MoMo wallet top-up, end to end through the API', () => {
  let system: TestSystem;
  let momo: FakeMomo;
  let driver: { id: string; token: string };

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    const port = await freePort();
    system = await startTestSystem({
      roles: ['api'],
      env: { API_PORT: String(port), ...momo.env(`http://127.0.0.1:${port}/payments/momo/callback`) },
    });
    const { organisationId } = await anOrganisation(system);
    driver = await aUser(system, 'DRIVER');
    // The driver charges with the operator's card: their wallet is with that operator.
    await aCard(system, organisationId, driver.id);
  });
  afterAll(async () => {
    await system?.close();
    await momo?.close();
  });

  const topUp = async (amountMinor: number) => {
    const result = await gql<{ topUpWallet: Payment }>(
      system,
      'mutation($amount: Int!) { topUpWallet(amountMinor: $amount, method: MOMO, msisdn: "+250 788 123 456") { id state amountMinor currency reason } }',
      { amount: amountMinor },
      driver.token,
    );
    expect(result.errors).toBeUndefined();
    return result.data?.topUpWallet as Payment;
  };
  const wallet = async () =>
    (
      await gql<{ wallets: Array<{ balanceMinor: number; currency: string }> }>(
        system,
        '{ wallets { balanceMinor currency } }',
        {},
        driver.token,
      )
    ).data?.wallets;

  it('credits the wallet once the payer approves, and says so on paymentUpdated', async () => {
    const client = liveClient(system.apiUrl, driver.token);
    try {
      const feed = await subscribe<{ paymentUpdated: { paymentId: string; state: string } }>(
        client,
        'subscription { paymentUpdated { paymentId state amountMinor } }',
      );
      const payment = await topUp(5000);
      expect(payment).toMatchObject({ state: 'pending', amountMinor: 5000, currency: 'RWF' });
      expect(momo.requests.get(payment.id)?.payer.partyId).toBe('250788123456');
      await momo.settle(payment.id, 'SUCCESSFUL');
      expect(await wallet()).toEqual([{ balanceMinor: 5000, currency: 'RWF' }]);
      await feed.next((e) => e.paymentUpdated.paymentId === payment.id && e.paymentUpdated.state === 'captured');
      feed.stop();
      const read = await gql<{ payment: { state: string; history: Array<{ to: string; cause: string }> } }>(
        system,
        'query($id: ID!) { payment(id: $id) { state history { to cause } } }',
        { id: payment.id },
        driver.token,
      );
      expect(read.data?.payment.state).toBe('captured');
      expect(read.data?.payment.history.map((h) => h.to)).toEqual(['pending', 'captured']);
      expect(read.data?.payment.history[1]?.cause).toContain('momo says captured, asked on a callback claiming captured');
    } finally {
      await client.dispose();
    }
  });

  it('credits nothing when the payer declines', async () => {
    const payment = await topUp(3000);
    await momo.settle(payment.id, 'FAILED', { reason: 'APPROVAL_REJECTED' });
    expect(await wallet()).toEqual([{ balanceMinor: 5000, currency: 'RWF' }]);
    const list = await gql<{ payments: { nodes: Array<{ id: string; state: string; reason: string | null }>; totalCount: number } }>(
      system,
      '{ payments(first: 10) { totalCount nodes { id state reason } } }',
      {},
      driver.token,
    );
    expect(list.data?.payments.nodes[0]).toEqual({ id: payment.id, state: 'failed', reason: 'APPROVAL_REJECTED' });
    expect(list.data?.payments.totalCount).toBe(2);
  });

  it('refuses a method this server has not configured, naming the field', async () => {
    const result = await gql(
      system,
      'mutation { topUpWallet(amountMinor: 100, method: AIRTEL, msisdn: "250731234567") { id } }',
      {},
      driver.token,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'method' });
  });
});
