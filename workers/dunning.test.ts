import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MoneyGate } from '../billing/money-gate.js';
import { anOrganisation, aUser } from '../test/api.js';
import { sql } from '../test/builders.js';
import { FakeStripe } from '../simulator/providers/stripe/server.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { startPayments } from './payments.js';

// Dunning against the local Stripe: an issued invoice still open is charged to the payer's default card, a decline
// retried with backoff, and after the last try the invoice is past due, so the money gate refuses new sessions.

describe('dunning: issued invoices charged to the default card, retried, then past due', () => {
  let system: TestSystem;
  let stripe: FakeStripe;
  let organisationId: string;
  let workers: Awaited<ReturnType<typeof startPayments>>;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    system = await startTestSystem({ roles: ['api'], env: stripe.env() });
    organisationId = (await anOrganisation(system)).organisationId;
    workers = await startPayments(system.deps, { firstDelayMs: 50, maxDelayMs: 200, collectDelayMs: 50, collectBackoffMs: 50 });
  });
  afterAll(async () => {
    await workers?.close();
    await system?.close();
    await stripe?.close();
  });

  async function anIssuedInvoice(testCard: string | null) {
    const driver = (await aUser(system, 'DRIVER')).id;
    if (testCard) {
      const card = system.deps.payments.provider('stripe');
      const { setupIntentId } = await system.deps.payments.cards.add(card, driver);
      await stripe.confirmSetup(setupIntentId, testCard);
    }
    const [invoice] = await sql<{ id: string }>(
      system,
      `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
         status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', 1000, 180, 1180, 'open', now(), now() + interval '14 days')
       returning id`,
      [organisationId, `DUN-${Math.random().toString(36).slice(2, 10)}`, driver],
    );
    const invoiceId = invoice?.id as string;
    await system.deps.events.publish('invoice.issued', {
      stationId: organisationId,
      identity: 'DUNNING',
      invoiceId,
      number: 'DUN',
      sessionId: invoiceId,
      payerUserId: driver,
      organisationId,
      currency: 'RWF',
      totalMinor: 1180,
      at: new Date().toISOString(),
    });
    return { driver, invoiceId };
  }
  const invoice = async (id: string) =>
    (
      await sql<{ status: string; past_due: boolean }>(system, 'select status, due_at <= now() as past_due from invoice where id = ?', [id])
    )[0];
  const attempts = async (id: string) =>
    sql<{ state: string; reason: string | null }>(
      system,
      'select state, reason from payment_attempt where invoice_id = ? order by created_at',
      [id],
    );

  it("charges the payer's default card once the invoice is issued", async () => {
    const { invoiceId } = await anIssuedInvoice('pm_card_visa');
    await eventually(async () => (await invoice(invoiceId))?.status === 'paid');
    expect(await attempts(invoiceId)).toEqual([{ state: 'captured', reason: null }]);
  });

  it('retries a declined card with backoff, then makes the invoice past due, and the money gate refuses the driver', async () => {
    const { driver, invoiceId } = await anIssuedInvoice('pm_card_chargeDeclined');
    await eventually(async () => (await invoice(invoiceId))?.past_due === true, 10_000);
    expect(await invoice(invoiceId)).toEqual({ status: 'open', past_due: true });
    const tries = await attempts(invoiceId);
    expect(tries).toHaveLength(6);
    expect(tries.every((t) => t.state === 'failed' && t.reason === 'generic_decline')).toBe(true);
    const refusal = await new MoneyGate({ orm: system.deps.orm }).refusal({ ownerId: driver, fleetOrganisationId: null }, null);
    expect(refusal).toMatch(/past due/);
  });

  it('leaves a driver without a saved card alone (the invoice waits for its due date)', async () => {
    const { invoiceId } = await anIssuedInvoice(null);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await invoice(invoiceId)).toEqual({ status: 'open', past_due: false });
    expect(await attempts(invoiceId)).toEqual([]);
  });
});
