import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation } from '../test/api.js';
import { aTagOf } from '../test/api-data.js';
import { aMeterValue, sessionRow, sql, startSession } from '../test/builders.js';
import { anIdentity, connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import type { TariffDefinition } from './tariff-model.js';

const perKwh = (price: string): TariffDefinition => ({
  currency: 'RWF',
  type: 'REGULAR',
  altText: [],
  pricesIncludeTax: false,
  taxes: [],
  elements: [{ priceComponents: [{ type: 'ENERGY', price, stepSize: 1 }] }],
});

describe('billing a session', () => {
  let system: TestSystem;
  let organisationId: string;
  let siteId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
    ({ organisationId, siteId } = await anOrganisation(system));
    const { tariff } = await system.deps.tariffs.create(organisationId, 'Per kWh', { definition: perKwh('300'), validFrom: new Date(0) });
    await system.deps.tariffs.assign({ tariffId: tariff.id });
  });
  afterAll(() => system?.close());

  /** A charger at the organisation's site that charges `wh` for a driver's card, and the session's id. */
  async function aSessionOf(wh: number, owner: 'driver' | 'nobody' = 'driver') {
    const identity = anIdentity('BILL');
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId });
    const charger = await connectCharger(system, { identity, password: ocppPassword });
    const driver = owner === 'driver' ? await aUser(system, 'DRIVER') : null;
    const tag = await aTagOf(system, driver?.id ?? null);
    const { transactionId } = await startSession(charger, { idTag: tag.value, meterStart: 10_000 });
    await charger.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [aMeterValue([{ value: String(10_000 + wh / 2), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }])],
    });
    await charger.call('StopTransaction', { transactionId, meterStop: 10_000 + wh, timestamp: new Date().toISOString(), idTag: tag.value });
    await charger.close();
    const session = await sessionRow(system, transactionId);
    return { sessionId: session.id, driver, session };
  }

  it('records on the session, at its start, the tariff version in force then', async () => {
    const { session } = await aSessionOf(1000);
    const [version] = await sql<{ tariff_version_id: string | null }>(
      system,
      'select tariff_version_id from charging_session where id = ?',
      [session.id],
    );
    expect(version?.tariff_version_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('issues one invoice to the driver, numbered in sequence, however often it is billed at once', async () => {
    const { sessionId, driver } = await aSessionOf(12_000);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => system.deps.billing.bill(sessionId)));
    expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(['billed']));
    const invoices = await sql<{ number: string; payer_user_id: string; incl_tax_minor: string; currency: string }>(
      system,
      `select number, payer_user_id, incl_tax_minor, currency from invoice where session_id = ?`,
      [sessionId],
    );
    // 12 kWh at 300 RWF.
    expect(invoices).toEqual([
      { number: expect.stringMatching(/-\d{4}-\d{6}$/), payer_user_id: driver?.id, incl_tax_minor: '3600', currency: 'RWF' },
    ]);
    expect(
      await sessionRow(
        system,
        (await sql<{ transaction_id: string }>(system, 'select transaction_id from charging_session where id = ?', [sessionId]))[0]
          ?.transaction_id as string,
      ),
    ).toMatchObject({ billingStatus: 'billed' });
  });

  it('numbers the invoices of an organisation without gaps', async () => {
    const ids = [];
    for (const wh of [1000, 2000, 3000]) ids.push((await aSessionOf(wh)).sessionId);
    for (const id of ids) await system.deps.billing.bill(id);
    const rows = await sql<{ number: string }>(system, 'select number from invoice where organisation_id = ? order by issued_at, number', [
      organisationId,
    ]);
    const numbers = rows.map((r) => Number(r.number.split('-').at(-1)));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });

  it('holds a session whose credential belongs to nobody, with the reason, and bills nothing', async () => {
    const { sessionId } = await aSessionOf(5000, 'nobody');
    expect(await system.deps.billing.bill(sessionId)).toMatchObject({ kind: 'held', reason: expect.stringContaining('no-payer') });
    expect(await sql(system, 'select billing_status from charging_session where id = ?', [sessionId])).toEqual([
      { billing_status: 'held' },
    ]);
    expect(await sql(system, 'select count(*)::int as n from invoice where session_id = ?', [sessionId])).toEqual([{ n: 0 }]);
  });

  it('bills a batch as it bills each session: the outcomes in the order asked, one invoice each, in sequence', async () => {
    const [a, nobodys, c] = [await aSessionOf(2000), await aSessionOf(4000, 'nobody'), await aSessionOf(6000)];
    const missing = crypto.randomUUID();
    const outcomes = await system.deps.billing.billMany([a.sessionId, nobodys.sessionId, missing, c.sessionId, a.sessionId]);
    expect(outcomes).toMatchObject([
      { kind: 'billed', invoice: { sessionId: a.sessionId, inclTaxMinor: 600, payerUserId: a.driver?.id }, paid: false },
      { kind: 'held', reason: expect.stringContaining('no-payer') },
      { kind: 'held', reason: `session ${missing} not found` },
      { kind: 'billed', invoice: { sessionId: c.sessionId, inclTaxMinor: 1800 } },
      { kind: 'billed', invoice: { sessionId: a.sessionId } },
    ]);
    const [first, , , second] = outcomes.map((o) => (o.kind === 'billed' ? Number(o.invoice.number.split('-').at(-1)) : 0));
    expect(second).toBe((first as number) + 1);
    // Billed again, the batch finds the same invoices.
    expect(await system.deps.billing.billMany([c.sessionId, a.sessionId])).toEqual([outcomes[3], outcomes[0]]);
  });

  it('prices an open session with the same function as its bill: the running cost at the stop is the bill', async () => {
    const { sessionId } = await aSessionOf(7000);
    const running = await system.deps.billing.priceOf(sessionId);
    const outcome = await system.deps.billing.bill(sessionId);
    expect(outcome.kind).toBe('billed');
    expect(outcome.kind === 'billed' && outcome.invoice.inclTaxMinor).toBe(running?.priced.totals.inclTaxMinor);
  });
});
