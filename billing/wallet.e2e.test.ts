import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation } from '../test/api.js';
import { aTagOf } from '../test/api-data.js';
import { sessionRow, sql, startSession } from '../test/builders.js';
import { anIdentity, connectCharger, type TestCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import type { TariffDefinition } from './tariff-model.js';

// 250 RWF per kWh, VAT 18% included.
const tariff: TariffDefinition = {
  currency: 'RWF',
  type: 'REGULAR',
  altText: [],
  pricesIncludeTax: true,
  taxes: [{ type: 'VAT', ratePercent: '18' }],
  elements: [{ priceComponents: [{ type: 'ENERGY', price: '250', stepSize: 1 }] }],
};

describe('paying from the wallet, against a strict OCPP 1.6 charger', () => {
  let system: TestSystem;
  let organisationId: string;
  let charger: TestCharger;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
    const org = await anOrganisation(system);
    organisationId = org.organisationId;
    const { tariff: created } = await system.deps.tariffs.create(organisationId, 'Wallet test', {
      definition: tariff,
      validFrom: new Date(0),
    });
    await system.deps.tariffs.assign({ tariffId: created.id });
    await system.deps.orm.em
      .fork()
      .getConnection()
      .execute(`update organisation set wallet_minimum_minor = 1000, wallet_currency = 'RWF' where id = ?`, [organisationId]);
    const identity = anIdentity('WALLET');
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId: org.siteId });
    charger = await connectCharger(system, { identity, password: ocppPassword });
  });
  afterAll(async () => {
    await charger?.close();
    await system?.close();
  });

  const credit = (userId: string, amountMinor: number) =>
    system.deps.ledger.creditWallet({
      organisationId,
      userId,
      currency: 'RWF',
      amountMinor,
      actor: null,
      reason: 'test',
      idempotencyKey: `t-${Math.random()}`,
    });

  it('refuses at Authorize a driver whose wallet holds less than the operator asks, and says why in the audit', async () => {
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    expect(await charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Blocked' } });
    await system.deps.authDecisions.flush();
    const [decision] = await sql<{ reason: string }>(
      system,
      'select reason from auth_decision where id_tag = ? order by decided_at desc limit 1',
      [tag.value],
    );
    expect(decision?.reason).toContain("wallet below the operator's minimum");
    await credit(driver.id, 5000);
    expect(await charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Accepted' } });
  });

  it('takes a bill from the wallet once, however often the stop comes and the session is billed', async () => {
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    await credit(driver.id, 10_000);
    const { transactionId } = await startSession(charger, {
      idTag: tag.value,
      meterStart: 0,
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    });
    const stop = { transactionId, meterStop: 8000, timestamp: new Date().toISOString(), idTag: tag.value };
    await charger.call('StopTransaction', stop);
    await charger.call('StopTransaction', stop);
    const session = await sessionRow(system, transactionId);
    const outcomes = await Promise.all([system.deps.billing.bill(session.id), system.deps.billing.bill(session.id)]);
    expect(outcomes.every((o) => o.kind === 'billed')).toBe(true);
    // 8 kWh x 250 = 2000 RWF with VAT: 1695 + 305.
    const invoices = await sql(system, 'select status, excl_tax_minor, tax_minor, incl_tax_minor from invoice where session_id = ?', [
      session.id,
    ]);
    expect(invoices).toEqual([{ status: 'paid', excl_tax_minor: '1695', tax_minor: '305', incl_tax_minor: '2000' }]);
    const wallet = await system.deps.ledger.wallet(organisationId, driver.id, 'RWF');
    expect(wallet.balanceMinor).toBe(8000);
    expect(await system.deps.ledger.verifiedBalance(wallet.id)).toBe(8000);

    // Corrected in two credit notes, never edited: 500 of it (tax 500 x 305 / 2000 = 76.25, so 76), then the rest.
    const [invoice] = await sql<{ id: string }>(system, 'select id from invoice where session_id = ? and kind = ?', [
      session.id,
      'invoice',
    ]);
    const part = await system.deps.creditNotes.issue({
      invoiceId: invoice?.id as string,
      reason: 'slow charging',
      amountMinor: 500,
      actor: null,
    });
    expect(part).toMatchObject({ amountMinor: 500, taxMinor: 76 });
    const rest = await system.deps.creditNotes.issue({ invoiceId: invoice?.id as string, reason: 'goodwill', actor: null });
    expect(rest).toMatchObject({ amountMinor: 1500, taxMinor: 229 });
    await expect(system.deps.creditNotes.issue({ invoiceId: invoice?.id as string, reason: 'again', actor: null })).rejects.toThrow(
      /amountMinor: expected 1 to 0/,
    );
    expect((await system.deps.ledger.wallet(organisationId, driver.id, 'RWF')).balanceMinor).toBe(10_000);
    const [sum] = await sql<{ total: string }>(system, 'select coalesce(sum(amount_minor), 0)::text as total from ledger_entry');
    expect(sum?.total).toBe('0');
    const numbers = await sql<{ number: string; kind: string }>(
      system,
      'select number, kind from invoice where session_id = ? order by number',
      [session.id],
    );
    expect(numbers.map((n) => n.kind)).toEqual(['invoice', 'credit_note', 'credit_note']);
  });

  it('leaves the invoice open when the wallet cannot pay, and refuses the driver once it is past due', async () => {
    const driver = await aUser(system, 'DRIVER');
    const tag = await aTagOf(system, driver.id);
    await credit(driver.id, 1500);
    const { transactionId } = await startSession(charger, {
      idTag: tag.value,
      meterStart: 0,
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    });
    await charger.call('StopTransaction', { transactionId, meterStop: 20_000, timestamp: new Date().toISOString() });
    const session = await sessionRow(system, transactionId);
    expect(await system.deps.billing.bill(session.id)).toMatchObject({ kind: 'billed', paid: false });
    await sql(system, `update invoice set due_at = now() - interval '1 day' where session_id = ?`, [session.id]);
    await credit(driver.id, 100_000);
    expect(await charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(charger.violations).toEqual([]);
  });
});
