import { aSession } from '../api-data.js';
import { everyone, type OperationRow, people, personOf, type PrincipalName, staff, staffAndPartners, unique } from '../permissions.js';
import type { MutationWorld } from './common.js';

/** A driver's own operation: staff and partners are refused. */
const driversOnly = { ...people('ok'), admin: 'FORBIDDEN', operatorA: 'FORBIDDEN', operatorB: 'FORBIDDEN' } as const;
const tariffDefinition = {
  currency: 'RWF',
  type: 'REGULAR',
  altText: [],
  pricesIncludeTax: true,
  taxes: [],
  elements: [{ priceComponents: [{ type: 'ENERGY', price: '250', stepSize: 1 }] }],
};

/** Tariffs, wallets, invoices and credit notes, held sessions, payments by MoMo and card, and plans. */
export function billingRows({ w, stripe }: MutationWorld): Record<string, OperationRow> {
  const { deps } = w.system;
  const aFreePlan = (organisationId: string) =>
    deps.plans.catalogue.create(organisationId, { name: `Free ${unique()}`, interval: 'month', currency: 'RWF', feeMinor: 0 });
  let driversSubscription: Promise<string> | undefined;
  /** The driver's one live subscription with organisation A, made once. */
  const theDriversSubscription = () => {
    driversSubscription ??= aFreePlan(w.orgA).then((plan) => deps.plans.subscriptions.subscribe(w.people.driver.id, plan.id));
    return driversSubscription;
  };
  /** An open invoice of organisation A that the driver pays, made for this attempt alone. */
  const anOpenInvoice = async () => {
    const [invoice] = await deps.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>(
        `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
           status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', 100, 18, 118, 'open', now(), now() + interval '14 days')
         returning id`,
        [w.orgA, `PERM-INV-${unique()}`, w.people.driver.id],
      );
    return invoice?.id;
  };
  /** A card saved for a driver at the local Stripe (anyone else gets a card id that is nobody's). */
  const aSavedCard = async (who: PrincipalName) => {
    const person = personOf(w, who);
    if (!person || (who !== 'driver' && who !== 'otherDriver')) return 'pm_nobodys';
    const { setupIntentId } = await deps.payments.cards.add(deps.payments.provider('stripe'), person.id);
    return stripe.confirmSetup(setupIntentId);
  };
  /** A captured card payment of an invoice of organisation A by the driver. */
  const aCardPayment = async () => {
    const methodId = await aSavedCard('driver');
    const invoiceId = (await anOpenInvoice()) as string;
    return (await deps.payments.payInvoice({ invoiceId, userId: w.people.driver.id, method: 'stripe', methodId })).id;
  };

  return {
    // Billing: tariffs of organisation A, a held session at station A.
    createTariff: {
      document: 'mutation($org: ID, $d: JSON!) { createTariff(organisationId: $org, name: "T", definition: $d) { id } }',
      variables: () => ({ org: w.orgA, d: tariffDefinition }),
      // Staff and partners create theirs in their own organisation.
      expect: { ...staffAndPartners('ok'), operatorB: 'ok', partnerB: 'ok' },
    },
    updateTariff: {
      document: 'mutation($id: ID!, $d: JSON!) { updateTariff(id: $id, definition: $d) { version } }',
      variables: () => ({ id: w.tariffA, d: tariffDefinition }),
      expect: staffAndPartners('ok'),
    },
    assignTariff: {
      document: 'mutation($id: ID!, $site: ID) { assignTariff(tariffId: $id, siteId: $site) { id } }',
      variables: () => ({ id: w.tariffA, site: w.siteA }),
      expect: staffAndPartners('ok'),
    },
    unassignTariff: {
      document: 'mutation($id: ID!) { unassignTariff(id: $id) }',
      variables: async () => ({ id: (await deps.tariffs.assign({ tariffId: w.tariffA, siteId: w.siteA })).id }),
      expect: staffAndPartners('ok'),
    },
    creditWallet: {
      document:
        'mutation($user: ID!, $org: ID) { creditWallet(userId: $user, currency: "RWF", amountMinor: 100, reason: "goodwill", organisationId: $org) { balanceMinor } }',
      variables: () => ({ user: w.people.driver.id, org: w.orgA }),
      // Staff and partners credit wallets held with their own organisation.
      expect: { ...staffAndPartners('ok'), operatorB: 'ok', partnerB: 'ok' },
    },
    setWalletMinimum: {
      document: 'mutation($org: ID) { setWalletMinimum(minimumMinor: null, organisationId: $org) }',
      variables: () => ({ org: w.orgA }),
      expect: { ...staffAndPartners('ok'), operatorB: 'ok', partnerB: 'ok' },
    },
    // An organisation's legal details (its receipts print them): its operators and admins, not partners.
    setOperatorLegalDetails: {
      document:
        'mutation($org: ID!) { setOperatorLegalDetails(organisationId: $org, input: { legalName: "Perm A Ltd", address: "KG 7 Ave" }) { id } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    creditNote: {
      document: 'mutation($id: ID!) { creditNote(invoiceId: $id, reason: "meter fault") { number kind } }',
      variables: async () => ({ id: await anOpenInvoice() }),
      expect: staffAndPartners('ok'),
    },
    closeSession: {
      document: 'mutation($id: ID!) { closeSession(sessionId: $id, reason: "station replaced") { stopReason } }',
      variables: async () => {
        const startedAt = new Date(Date.now() - Math.floor(Math.random() * 1e9));
        // A connector of its own: a new start on a connector supersedes the session open there.
        const connectorId = 100 + Math.floor(Math.random() * 1e6);
        return { id: (await aSession(w.system, w.stationA, w.orgATag, { connectorId, startedAt })).id };
      },
      expect: staff('ok'),
    },
    // Drivers pay their own money, with the local MoMo server standing in for MTN; staff and partners do not.
    topUpWallet: {
      document:
        'mutation($org: ID) { topUpWallet(amountMinor: 1000, method: MOMO, msisdn: "250788123456", organisationId: $org) { state } }',
      // Named: creditWallet above may have given the driver a wallet with B as well.
      variables: (who) => ({ org: who === 'otherDriver' ? w.orgB : w.orgA }),
      expect: { ...people('ok'), admin: 'FORBIDDEN', operatorA: 'FORBIDDEN', operatorB: 'FORBIDDEN' },
    },
    payInvoice: {
      document: 'mutation($id: ID!) { payInvoice(invoiceId: $id, method: MOMO, msisdn: "250788123456") { state } }',
      variables: async () => ({ id: await anOpenInvoice() }),
      expect: { ...people('ok'), admin: 'FORBIDDEN', operatorA: 'FORBIDDEN', operatorB: 'FORBIDDEN', otherDriver: 'NOT_FOUND' },
    },
    // Cards at the local Stripe server: drivers their own; staff and partners refund organisation A's payments.
    addCard: {
      document: 'mutation { addCard { setupIntentId clientSecret } }',
      expect: driversOnly,
    },
    removePaymentMethod: {
      document: 'mutation($id: ID!) { removePaymentMethod(id: $id) }',
      variables: async (who) => ({ id: await aSavedCard(who) }),
      expect: driversOnly,
    },
    setDefaultPaymentMethod: {
      document: 'mutation($id: ID!) { setDefaultPaymentMethod(id: $id) { id isDefault } }',
      variables: async (who) => ({ id: await aSavedCard(who) }),
      expect: driversOnly,
    },
    refund: {
      document: 'mutation($id: ID!) { refund(paymentId: $id, amountMinor: 18) { refundedMinor } }',
      variables: async () => ({ id: await aCardPayment() }),
      expect: staffAndPartners('ok'),
    },
    releaseSession: {
      document: 'mutation($id: ID!) { releaseSession(sessionId: $id, note: "checked the meter") { billingStatus } }',
      variables: async () => {
        // Started at a time of its own: attempts made in the same millisecond would otherwise be one retried start.
        const startedAt = new Date(Date.now() - Math.floor(Math.random() * 1e9));
        const { id } = await aSession(w.system, w.stationA, w.orgATag, { connectorId: 7, startedAt, stop: { meterStopWh: 500 } });
        await deps.orm.em.fork().getConnection().execute(`update charging_session set billing_status = 'held' where id = ?`, [id]);
        return { id };
      },
      expect: staffAndPartners('ok'),
    },
    // Plans: organisation A's; the driver's subscription with A (plans of no fee: no wallet needed).
    createPlan: {
      document:
        'mutation($org: ID) { createPlan(input: { organisationId: $org, name: "P", interval: "month", currency: "RWF", feeMinor: 1000 }) { id } }',
      variables: () => ({ org: w.orgA }),
      expect: { ...staffAndPartners('ok'), operatorB: 'ok', partnerB: 'ok' },
    },
    archivePlan: {
      document: 'mutation($id: ID!) { archivePlan(id: $id) { archivedAt } }',
      variables: async () => ({ id: (await aFreePlan(w.orgA)).id }),
      expect: staffAndPartners('ok'),
    },
    subscribeToPlan: {
      document: 'mutation($id: ID!) { subscribeToPlan(planId: $id) { status } }',
      variables: async () => ({ id: (await aFreePlan(w.orgB)).id }),
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', driver: 'ok', otherDriver: 'ok' },
    },
    changePlan: {
      document: 'mutation($id: ID!) { changePlan(planId: $id) { planId } }',
      variables: async () => {
        await theDriversSubscription();
        return { id: (await aFreePlan(w.orgA)).id };
      },
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
    cancelPlan: {
      document: 'mutation($id: ID!) { cancelPlan(subscriptionId: $id) { cancelAtPeriodEnd } }',
      variables: async () => ({ id: await theDriversSubscription() }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
  };
}
