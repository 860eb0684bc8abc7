import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser } from '../test/api.js';
import { sql } from '../test/builders.js';
import { FakeMomo } from '../simulator/providers/momo-server.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { pollDelay, startPayments } from './payments.js';

// The poller against the local MoMo server, with no callback: a BullMQ job per payment, asking with backoff.

describe('polling payments for their final status', () => {
  let system: TestSystem;
  let momo: FakeMomo;
  let organisationId: string;
  let poller: Awaited<ReturnType<typeof startPayments>> | null = null;

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    system = await startTestSystem({ roles: ['api'], env: momo.env() });
    organisationId = (await anOrganisation(system)).organisationId;
  });
  afterAll(async () => {
    await poller?.close();
    await system?.close();
    await momo?.close();
  });

  const start = async () => {
    poller = await startPayments(system.deps, { firstDelayMs: 50, maxDelayMs: 200, sweepMs: 300 });
    return poller;
  };
  const topUp = async () =>
    system.deps.payments.topUpWallet({
      userId: (await aUser(system, 'DRIVER')).id,
      organisationId,
      amountMinor: 1000,
      method: 'momo',
      msisdn: '250788123456',
    });
  const statusReads = (id: string) => momo.received.filter((r) => r.method === 'GET' && r.path.endsWith(id)).length;

  it('waits twice as long after each ask, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => pollDelay(n, 50, 200))).toEqual([50, 100, 200, 200, 200, 200]);
  });

  it('asks until MTN says SUCCESSFUL, credits it, and asks no more', async () => {
    await start();
    const attempt = await topUp();
    await eventually(() => statusReads(attempt.id) >= 2);
    expect((await system.deps.payments.get(attempt.id))?.state).toBe('pending');
    await momo.settle(attempt.id, 'SUCCESSFUL');
    await eventually(async () => (await system.deps.payments.get(attempt.id))?.state === 'captured');
    const reads = statusReads(attempt.id);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(statusReads(attempt.id)).toBe(reads);
    expect((await system.deps.ledger.wallet(organisationId, attempt.payerUserId as string, 'RWF')).balanceMinor).toBe(1000);
  });

  it('stops at the deadline: one MTN never had fails, one still pending there is left for review', async () => {
    await poller?.close();
    poller = null;
    const pending = await topUp();
    momo.fault({
      route: 'POST /collection/v1_0/requesttopay',
      status: 500,
      times: 2,
      body: { code: 'INTERNAL_PROCESSING_ERROR', message: 'x' },
    });
    const lost = await topUp();
    expect(lost.reason).toBe('NO_ANSWER');
    await sql(system, `update payment_attempt set deadline_at = now() - interval '1 second' where id in (?, ?)`, [pending.id, lost.id]);
    const started = await start();
    await started.enqueue(pending.id);
    await started.enqueue(lost.id);
    await eventually(async () => (await system.deps.payments.get(lost.id))?.state === 'failed');
    expect(await system.deps.payments.get(lost.id)).toMatchObject({ state: 'failed', reason: 'NOT_FOUND' });
    await eventually(async () => (await system.deps.payments.get(pending.id))?.reason === 'DEADLINE_PASSED');
    expect((await system.deps.payments.get(pending.id))?.state).toBe('pending');
  });

  it('finds after a restart what was left open, from the attempt rows: the sweep', async () => {
    await poller?.close();
    poller = null;
    const attempt = await topUp();
    await momo.settle(attempt.id, 'SUCCESSFUL', { callback: false });
    expect((await system.deps.payments.get(attempt.id))?.state).toBe('pending');
    await start();
    await eventually(async () => (await system.deps.payments.get(attempt.id))?.state === 'captured', 10_000);
  });
});
