import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../../../test/api.js';
import { aMeterValue, sql } from '../../../test/builders.js';
import { anIdentity, bootPayload, connectCharger } from '../../../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../../../test/system.js';
import { FakeStripe } from '../../../simulator/providers/stripe/server.js';

// Ad hoc card sessions end to end: the driver starts from the app with payByCard, a strict OCPP client plays the
// station, the official Stripe SDK talks to the local Stripe server, and the money is read in the ledger itself.

const start = `mutation($station: String!, $key: String) {
  startCharging(stationIdentity: $station, connectorId: 1, payByCard: true, idempotencyKey: $key) { id state ocppTransactionId }
}`;

interface Hold {
  id: string;
  state: string;
  amount_minor: string;
  captured_minor: string;
  session_id: string | null;
  invoice_id: string | null;
  provider_reference: string;
}

describe('ad hoc card sessions: held before the start, stopped at the hold, captured for the bill', () => {
  let system: TestSystem;
  let stripe: FakeStripe;
  let siteId: string;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    // The sweep runs when the test says (sweepNow), not on its timer.
    system = await startTestSystem({
      roles: ['ocpp', 'api', 'workers'],
      env: { ...stripe.env(), REMOTE_SESSION_TIMEOUT: '2', CARD_HOLD_SWEEP_INTERVAL: '3600' },
    });
    stripe.webhookUrl = `${system.apiUrl}/payments/stripe/webhook`;
    const organisation = await anOrganisation(system);
    siteId = organisation.siteId;
    const definition = {
      currency: 'RWF',
      type: 'AD_HOC_PAYMENT',
      altText: [],
      pricesIncludeTax: false,
      taxes: [],
      holdAmountMinor: 1000,
      elements: [{ priceComponents: [{ type: 'ENERGY', price: '300', stepSize: 1 }] }],
    };
    const { tariff } = await system.deps.tariffs.create(organisation.organisationId, 'Card', { definition, validFrom: new Date(0) });
    await system.deps.tariffs.assign({ tariffId: tariff.id });
  });
  afterAll(async () => {
    await system?.close();
    await stripe?.close();
  });

  /** A driver with a card saved as the app saves it. */
  async function aDriverWithCard(testCard = 'pm_card_visa') {
    const driver = await aUser(system, 'DRIVER');
    const card = system.deps.payments.provider('stripe');
    const { setupIntentId } = await system.deps.payments.cards.add(card, driver.id);
    await stripe.confirmSetup(setupIntentId, testCard);
    await stripe.delivered();
    return driver;
  }

  /** A station played by a strict charger that answers remote starts as told and stops when asked, recording what it got. */
  async function aCharger(onStart: 'start' | 'reject' | 'accept-only' = 'start') {
    const identity = anIdentity('HOLD');
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId });
    const got: string[] = [];
    const calls: Promise<unknown>[] = [];
    let meterStop = 0;
    const later = (action: string, payload: Record<string, unknown>) =>
      setTimeout(() => calls.push(charger.call(action, { timestamp: new Date().toISOString(), ...payload })), 20);
    const charger = await connectCharger(
      system,
      { identity, password: ocppPassword },
      {
        handlers: {
          RemoteStartTransaction: (params) => {
            got.push('RemoteStartTransaction');
            if (onStart === 'reject') return { status: 'Rejected' };
            // Started five minutes ago by the station's clock, so that the test's readings fall within the session.
            const at = new Date(Date.now() - 300_000).toISOString();
            if (onStart === 'start') later('StartTransaction', { connectorId: 1, idTag: params.idTag, meterStart: 0, timestamp: at });
            return { status: 'Accepted' };
          },
          RemoteStopTransaction: (params) => {
            got.push('RemoteStopTransaction');
            later('StopTransaction', { transactionId: params.transactionId, meterStop, reason: 'Remote' });
            return { status: 'Accepted' };
          },
        },
      },
    );
    await charger.call('BootNotification', bootPayload());
    return {
      identity,
      charger,
      got,
      willStopAt: (wh: number) => {
        meterStop = wh;
      },
      done: async () => {
        await Promise.all(calls);
        expect(charger.violations).toEqual([]);
        await charger.close();
      },
    };
  }

  /** A driver's session started on a held card, and a way for its station to end it at `wh` by itself. */
  async function aHeldSession() {
    const driver = await aDriverWithCard();
    const station = await aCharger();
    const started = await gql<{ startCharging: { id: string; ocppTransactionId: string } }>(
      system,
      start,
      { station: station.identity },
      driver.token,
    );
    const session = started.data!.startCharging;
    const stopAt = async (wh: number) => {
      const at = new Date().toISOString();
      await station.charger.call('StopTransaction', { transactionId: Number(session.ocppTransactionId), meterStop: wh, timestamp: at });
      await system.workers?.sink.drain();
    };
    return { driver, station, session, stopAt };
  }

  const holdsOf = (userId: string) =>
    sql<Hold>(
      system,
      `select id, state, amount_minor, captured_minor, session_id, invoice_id, provider_reference from payment_attempt
       where payer_user_id = ? and purpose = 'session' order by created_at`,
      [userId],
    );

  it('holds the card, lets evcms stop the session at the hold, and captures the bill from it (at most the hold)', async () => {
    const driver = await aDriverWithCard();
    const station = await aCharger();
    const started = await gql<{ startCharging: { id: string; state: string; ocppTransactionId: string } }>(
      system,
      start,
      { station: station.identity },
      driver.token,
    );
    expect(started.errors).toBeUndefined();
    const session = started.data!.startCharging;
    expect(session.state).toBe('Active');
    const [hold] = await holdsOf(driver.id);
    expect(hold).toMatchObject({ state: 'authorised', amount_minor: '1000', session_id: session.id });
    expect(stripe.intents.get(hold!.provider_reference)).toMatchObject({
      capture_method: 'manual',
      status: 'requires_capture',
      amount: 1000,
    });

    const transactionId = Number(session.ocppTransactionId);
    const t0 = Date.now() - 240_000;
    const reading = async (wh: number, seconds: number) => {
      await station.charger.call('MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [
          aMeterValue(
            [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
            new Date(t0 + seconds * 1000).toISOString(),
          ),
        ],
      });
      await system.workers?.sink.drain();
      return system.workers?.cardHolds.sweepNow();
    };
    // 300 RWF per kWh against a hold of 1,000: 300 and 600 go on; 900 (90% of the hold) is where evcms stops it.
    expect(await reading(1000, 30)).toMatchObject({ charging: 1 });
    expect(await reading(2000, 60)).toMatchObject({ charging: 1 });
    expect(station.got).toEqual(['RemoteStartTransaction']);
    station.willStopAt(3100);
    // The sweep, or the live check of the reading before it, stops it here.
    await reading(3000, 90);
    await eventually(() => station.got.length === 2);
    expect(station.got).toEqual(['RemoteStartTransaction', 'RemoteStopTransaction']);
    await eventually(
      async () =>
        (await sql<{ state: string }>(system, 'select state from charging_session where id = ?', [session.id]))[0]?.state === 'Completed',
    );
    await system.workers?.sink.drain();

    const billed = await system.deps.billing.bill(session.id);
    expect(billed).toMatchObject({ kind: 'billed', paid: true, invoice: { inclTaxMinor: 930 } });
    const [captured] = await holdsOf(driver.id);
    expect(captured).toMatchObject({
      state: 'captured',
      captured_minor: '930',
      invoice_id: billed.kind === 'billed' ? billed.invoice.id : null,
    });
    expect(stripe.intents.get(hold!.provider_reference)).toMatchObject({ status: 'succeeded', amount_received: 930 });
    const postings = await sql<{ kind: string; amount: string }>(
      system,
      `select t.kind, sum(e.amount_minor) filter (where e.amount_minor > 0) as amount from ledger_transaction t
         join ledger_entry e on e.transaction_id = t.id where t.reference in (?, ?) group by t.kind`,
      [hold!.id, session.id],
    );
    expect(postings).toEqual([{ kind: 'invoice-payment', amount: '930' }]);
    // A retry of billing, or the sweep, takes nothing more.
    await system.deps.billing.bill(session.id);
    await system.workers?.cardHolds.sweepNow();
    expect((await holdsOf(driver.id))[0]).toMatchObject({ state: 'captured', captured_minor: '930' });
    expect((await system.deps.payments.reconcile(new Date(Date.now() - 3_600_000))).differences).toEqual([]);
    await station.done();
  });

  it('captures nothing beyond the hold: a bill above it releases the hold and leaves the invoice to be collected otherwise', async () => {
    const { driver, station, session, stopAt } = await aHeldSession();
    // A station that went on past the hold (no readings reached evcms): 4 kWh, 1,200 RWF against a hold of 1,000.
    await stopAt(4000);
    const billed = await system.deps.billing.bill(session.id);
    expect(billed).toMatchObject({ kind: 'billed', paid: false, invoice: { inclTaxMinor: 1200 } });
    const [hold] = await holdsOf(driver.id);
    expect(hold).toMatchObject({ state: 'cancelled', captured_minor: '0' });
    expect(stripe.intents.get(hold!.provider_reference)).toMatchObject({ status: 'canceled', amount_received: 0 });
    await station.done();
  });

  it('captures at the next sweep a bill whose capture Stripe did not confirm (its 500s, or a crash), once', async () => {
    const { driver, station, session, stopAt } = await aHeldSession();
    const [hold] = await holdsOf(driver.id);
    const reference = hold!.provider_reference;
    stripe.fault({
      route: `POST /v1/payment_intents/${reference}/capture`,
      status: 500,
      body: { error: { type: 'api_error' } },
      times: 1000,
    });
    await stopAt(2000);
    const billed = await system.deps.billing.bill(session.id);
    expect(billed).toMatchObject({ kind: 'billed', paid: false, invoice: { inclTaxMinor: 600 } });
    expect((await holdsOf(driver.id))[0]).toMatchObject({ state: 'authorised', captured_minor: '0' });
    // Nothing else takes the invoice meanwhile: the wallet was not asked, and no other payment of it may start.
    const invoiceId = billed.kind === 'billed' ? billed.invoice.id : '';
    expect(await sql(system, 'select status from invoice where id = ?', [invoiceId])).toEqual([{ status: 'open' }]);
    stripe.clearFaults();
    expect(await system.workers?.cardHolds.sweepNow()).toMatchObject({ captured: 1 });
    expect((await holdsOf(driver.id))[0]).toMatchObject({ state: 'captured', captured_minor: '600', invoice_id: invoiceId });
    expect(stripe.intents.get(reference)).toMatchObject({ status: 'succeeded', amount_received: 600 });
    expect(await sql(system, 'select status from invoice where id = ?', [invoiceId])).toEqual([{ status: 'paid' }]);
    const postings = await sql(system, `select kind from ledger_transaction where reference in (?, ?)`, [hold!.id, session.id]);
    expect(postings).toEqual([{ kind: 'invoice-payment' }]);
    await station.done();
  });

  it('releases the hold when the station rejects the start, and when no StartTransaction comes in the wait', async () => {
    const driver = await aDriverWithCard();
    for (const [behaviour, code] of [
      ['reject', 'STATION_REJECTED'],
      ['accept-only', 'STATION_TIMEOUT'],
    ] as const) {
      const station = await aCharger(behaviour);
      const result = await gql(system, start, { station: station.identity }, driver.token);
      expect(errorCode(result)).toBe(code);
      expect(station.got).toEqual(['RemoteStartTransaction']);
      await station.done();
    }
    const holds = await holdsOf(driver.id);
    expect(holds.map((hold) => [hold.state, hold.session_id])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
    ]);
    for (const hold of holds) expect(stripe.intents.get(hold.provider_reference)).toMatchObject({ status: 'canceled', amount_received: 0 });
  });

  it.each([
    ['pm_card_chargeDeclined', /generic_decline/, 'failed'],
    // Off-session, a card that needs 3-D Secure cannot be held: the intent is cancelled rather than left waiting.
    ['pm_card_authenticationRequired', /authentication_required/, 'cancelled'],
  ])('never starts the station when the card (%s) does not authorise the hold', async (testCard, reason, state) => {
    const driver = await aDriverWithCard(testCard);
    const station = await aCharger();
    const result = await gql(system, start, { station: station.identity }, driver.token);
    expect(errorCode(result)).toBe('PAYMENT_DECLINED');
    expect(result.errors?.[0]?.message).toMatch(reason);
    expect(station.got).toEqual([]);
    expect(await holdsOf(driver.id)).toMatchObject([{ state, session_id: null }]);
    await station.done();
  });

  it('finishes after a crash: a start never linked to its session is linked by the sweep, one without a session released', async () => {
    const driver = await aDriverWithCard();
    const station = await aCharger();
    const started = await gql<{ startCharging: { id: string } }>(
      system,
      start,
      { station: station.identity, key: 'crash-1' },
      driver.token,
    );
    const sessionId = started.data!.startCharging.id;
    // As if the process died between the StartTransaction and the link, long enough ago for the start to be over.
    await sql(
      system,
      `update payment_attempt set session_id = null, reason = 'STARTING', created_at = now() - interval '1 hour' where session_id = ?`,
      [sessionId],
    );
    expect(await system.workers?.cardHolds.sweepNow()).toMatchObject({ linked: 1 });
    const [hold] = await holdsOf(driver.id);
    expect(hold).toMatchObject({ state: 'authorised', session_id: sessionId });
    // The same start retried with its key is the same hold and session, not a second start.
    const again = await gql<{ startCharging: { id: string } }>(system, start, { station: station.identity, key: 'crash-1' }, driver.token);
    expect(again.data?.startCharging.id).toBe(sessionId);
    expect(station.got).toEqual(['RemoteStartTransaction']);
    // A hold whose start never produced a session (the process died before the station was asked) is released.
    await sql(
      system,
      `update payment_attempt set session_id = null, held_start = jsonb_set(held_start, '{idTag}', '"NEVER-STARTED"') where id = ?`,
      [hold!.id],
    );
    expect(await system.workers?.cardHolds.sweepNow()).toMatchObject({ released: 1 });
    expect((await holdsOf(driver.id))[0]).toMatchObject({ state: 'cancelled', session_id: null });
    expect(stripe.intents.get(hold!.provider_reference)).toMatchObject({ status: 'canceled' });
    await station.done();
  });
});
