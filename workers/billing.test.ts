import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTariff, anElement, energy } from '../billing/pricing/test-builders.js';
import type { StationIdentity } from '../stations/service.js';
import { aUser, anOrganisation } from '../test/api.js';
import { aSession, aStationAt, aTagOf } from '../test/api-data.js';
import { sql } from '../test/builders.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { startBilling } from './billing.js';
import { billPending } from './billing-sweep.js';

const perKwh = aTariff({ currency: 'RWF', elements: [anElement([energy('300')])] });

describe('the billing sweep', () => {
  let system: TestSystem;
  let organisationId: string;
  let tariffId: string;
  let station: StationIdentity;
  let connector = 0;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    const org = await anOrganisation(system);
    organisationId = org.organisationId;
    const { tariff } = await system.deps.tariffs.create(organisationId, 'Per kWh', { definition: perKwh, validFrom: new Date(0) });
    tariffId = tariff.id;
    await system.deps.tariffs.assign({ tariffId });
    station = await aStationAt(system, org.siteId, `SWEEP-${randomUUID().slice(0, 8)}`);
  });
  afterAll(() => system?.close());

  /** A driver whose RWF wallet with the operator holds `funds`, and their card. */
  async function aDriver(funds: number) {
    const driver = await aUser(system, 'DRIVER');
    await system.deps.ledger.creditWallet({
      organisationId,
      userId: driver.id,
      currency: 'RWF',
      amountMinor: funds,
      actor: null,
      reason: 'test funds',
      idempotencyKey: `funds:${driver.id}`,
    });
    return { id: driver.id, tag: await aTagOf(system, driver.id) };
  }

  /** Ended sessions of that driver of 1, 2, ... kWh, each on a connector of its own, stopped in that order. */
  async function endedSessions(driver: Awaited<ReturnType<typeof aDriver>>, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let kwh = 1; kwh <= count; kwh++) {
      const startedAt = new Date(Date.now() - 3_600_000 + kwh * 1000);
      const session = await aSession(system, station, driver.tag, {
        connectorId: ++connector,
        startedAt,
        stop: { meterStopWh: 1000 + kwh * 1000, at: new Date(startedAt.getTime() + 600_000) },
      });
      ids.push(session.id);
    }
    return ids;
  }

  const invoicesOf = (ids: string[]) =>
    sql<{ session_id: string; number: string; incl_tax_minor: string; status: string }>(
      system,
      `select session_id, number, incl_tax_minor, status from invoice where session_id in (${ids.map(() => '?').join(', ')})
       and kind = 'invoice' order by number`,
      ids,
    );
  const walletOf = (userId: string) => system.deps.ledger.wallet(organisationId, userId, 'RWF');
  const chargesOf = (ids: string[]) =>
    sql<{ n: number }>(
      system,
      `select count(*)::int as n from ledger_transaction where kind = 'session-charge' and reference in (${ids.map(() => '?').join(', ')})`,
      ids,
    );

  it('bills every ended session still pending, in batches, each paid from its wallet once, in the order they stopped', async () => {
    const driver = await aDriver(100_000);
    const ids = await endedSessions(driver, 7);
    const open = await aSession(system, station, driver.tag, { connectorId: ++connector });

    const result = await billPending(system.deps, { batchSize: 3, concurrency: 1 });

    expect(result).toMatchObject({ sessions: 7, billed: 7, paid: 7, free: 0, held: 0, failed: 0 });
    expect(result.batches).toBe(3);
    const invoices = await invoicesOf(ids);
    expect(invoices.map((invoice) => invoice.status)).toEqual(Array(7).fill('paid'));
    // Numbered in the order the sessions stopped, without gaps: 1 to 7 kWh at 300 RWF.
    expect(invoices.map((invoice) => invoice.session_id)).toEqual(ids);
    expect(invoices.map((invoice) => Number(invoice.incl_tax_minor))).toEqual([300, 600, 900, 1200, 1500, 1800, 2100]);
    const numbers = invoices.map((invoice) => Number(invoice.number.split('-').at(-1)));
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] as number) + i));
    const wallet = await walletOf(driver.id);
    expect(wallet.balanceMinor).toBe(100_000 - 8400);
    expect(await system.deps.ledger.verifiedBalance(wallet.id)).toBe(100_000 - 8400);
    expect(await sql(system, 'select billing_status from charging_session where id = ?', [open.id])).toEqual([
      { billing_status: 'pending' },
    ]);
    expect(await billPending(system.deps)).toMatchObject({ sessions: 0, batches: 0 });
  });

  it('bills nothing twice when sweeps and per-session jobs run at once', async () => {
    const driver = await aDriver(100_000);
    const ids = await endedSessions(driver, 5);

    const outcomes = await Promise.all([
      billPending(system.deps, { batchSize: 2, concurrency: 2 }),
      billPending(system.deps, { batchSize: 3, concurrency: 1 }),
      system.deps.billing.billMany([...ids].reverse()),
      ...ids.map((id) => system.deps.billing.bill(id)),
    ]);

    expect(outcomes.slice(2).flat()).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'billed', paid: true })]));
    expect((await invoicesOf(ids)).map((invoice) => invoice.session_id).sort()).toEqual([...ids].sort());
    expect(await chargesOf(ids)).toEqual([{ n: 5 }]);
    expect((await walletOf(driver.id)).balanceMinor).toBe(100_000 - 4500);
    const [sum] = await sql<{ total: string }>(system, 'select coalesce(sum(amount_minor), 0)::text as total from ledger_entry');
    expect(sum?.total).toBe('0');
  });

  it('leaves open the invoices a wallet cannot pay, taking those it can in order', async () => {
    const driver = await aDriver(1000);
    const ids = await endedSessions(driver, 3);

    expect(await billPending(system.deps, { batchSize: 10 })).toMatchObject({ billed: 3, paid: 2 });

    // 300 and 600 leave 100: the 900 stays open, and the wallet never goes below zero.
    expect((await invoicesOf(ids)).map((invoice) => invoice.status)).toEqual(['paid', 'paid', 'open']);
    expect((await walletOf(driver.id)).balanceMinor).toBe(100);
    expect(await chargesOf(ids)).toEqual([{ n: 2 }]);
  });

  it('sweeps now through the billing worker', async () => {
    const driver = await aDriver(100_000);
    const ids = await endedSessions(driver, 2);
    const billing = await startBilling(system.deps, { sweepMs: 3_600_000, sweep: { batchSize: 1 } });
    try {
      await billing.sweepNow();
    } finally {
      await billing.close();
    }
    expect((await invoicesOf(ids)).map((invoice) => invoice.status)).toEqual(['paid', 'paid']);
  });

  it('bills around a session that cannot be billed: its batch goes one by one, and it alone stays pending', async () => {
    const driver = await aDriver(100_000);
    const ids = await endedSessions(driver, 3);
    // A version no validation let through (written straight to the table): pricing it throws.
    const [broken] = await sql<{ id: string }>(
      system,
      `insert into tariff_version (id, tariff_id, version, definition, valid_from, created_at)
       values (gen_random_uuid(), ?, 99, ?::jsonb, now(), now()) returning id`,
      [tariffId, JSON.stringify({ ...perKwh, elements: [{ priceComponents: [{ type: 'ENERGY', price: 'lots', stepSize: 1 }] }] })],
    );
    await sql(system, 'update charging_session set tariff_version_id = ? where id = ?', [broken?.id, ids[1]]);

    const result = await billPending(system.deps, { batchSize: 10 });

    expect(result).toMatchObject({ sessions: 3, billed: 2, failed: 1 });
    expect((await invoicesOf(ids)).map((invoice) => invoice.session_id)).toEqual([ids[0], ids[2]]);
    expect(await sql(system, 'select billing_status from charging_session where id = ?', [ids[1]])).toEqual([
      { billing_status: 'pending' },
    ]);
    await sql(system, `update charging_session set billing_status = 'held' where id = ?`, [ids[1]]);
  });
});
