import { afterAll, beforeAll, describe } from 'vitest';
import { issueOneTimeToken, type TokenPurpose } from '../auth/one-time-tokens.js';
import { Reservation, Station, User } from '../schema/entities/index.js';
import {
  aCard,
  aFreshCaller,
  aPerson,
  aPermissionWorld,
  everyone,
  type OperationRow,
  itAnswersAsTheMatrixSays,
  type PermissionWorld,
  type PrincipalName,
  schemaOperations,
  people,
  personOf,
  staff,
  staffAndPartners,
  unique,
} from '../test/permissions.js';
import { aSession } from '../test/api-data.js';
import { FakeMomo } from '../simulator/providers/momo-server.js';
import { FakeStripe } from '../simulator/providers/stripe/server.js';
import { aCampaignOf, aFirmwareImageOf } from '../test/maintenance.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// Every mutation of the schema against every principal: see test/permissions.ts for who they are.
// Mutations that change what they target get a throw-away target per attempt; station commands go to
// station A, which is not connected, so an allowed caller hears STATION_OFFLINE.

const mutationNames = await schemaOperations('Mutation');
/** The local Stripe server the card rows use. */
let stripe: FakeStripe;
/** A driver's own operation: staff and partners are refused. */
const driversOnly = { ...people('ok'), admin: 'FORBIDDEN', operatorA: 'FORBIDDEN', operatorB: 'FORBIDDEN' } as const;

const drivers: PrincipalName[] = ['driver', 'otherDriver'];
const tariffDefinition = {
  currency: 'RWF',
  type: 'REGULAR',
  altText: [],
  pricesIncludeTax: true,
  taxes: [],
  elements: [{ priceComponents: [{ type: 'ENERGY', price: '250', stepSize: 1 }] }],
};
const hexTag = () => `${unique()}`.toUpperCase();

function mutationRows(w: PermissionWorld, reservationId: number): Record<string, OperationRow> {
  const { deps } = w.system;
  const aStationOfA = async (registrationStatus: 'Accepted' | 'Pending' = 'Accepted') =>
    (await deps.stations.create({ identity: `PERM-T-${unique()}`, siteId: w.siteA, registrationStatus })).station.identity;
  const aMailedToken = async (purpose: TokenPurpose) => {
    const person = await aPerson(w.system, 'DRIVER', null, w.passwordHash);
    const em = deps.orm.em.fork();
    const token = issueOneTimeToken(em, em.getReference(User, person.id), purpose, 3_600_000);
    await em.flush();
    return token;
  };
  const aRefreshToken = async () => {
    const person = await aPerson(w.system, 'DRIVER', null, w.passwordHash);
    const em = deps.orm.em.fork();
    const tokens = await deps.accounts.sessions.issue(em, await em.findOneOrFail(User, { id: person.id }));
    await em.flush();
    return tokens.refreshToken;
  };
  /** An open alert at station A, of a cause of its own. */
  const anAlertOfA = async () => {
    const [row] = await deps.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>(
        `insert into alert (id, organisation_id, station_id, kind, cause_key, severity, message, raised_at)
         values (gen_random_uuid(), ?, ?, 'connector-faulted', ?, 'major', 'faulted', now()) returning id`,
        [w.orgA, w.stationA.id, `connector:${unique()}`],
      );
    return row?.id as string;
  };
  const aFreePlan = (organisationId: string) =>
    deps.plans.catalogue.create(organisationId, { name: `Free ${unique()}`, interval: 'month', currency: 'RWF', feeMinor: 0 });
  let driversSubscription: Promise<string> | undefined;
  let exclusionDays = 0;
  /** The driver's one live subscription with organisation A, made once. */
  const theDriversSubscription = () => {
    driversSubscription ??= aFreePlan(w.orgA).then((plan) => deps.plans.subscriptions.subscribe(w.people.driver.id, plan.id));
    return driversSubscription;
  };
  /** A command to station A (plus these variables as `$name`s). */
  const command = (document: string, extra: Record<string, unknown> = {}): OperationRow => ({
    document,
    variables: () => ({ station: w.stationA.identity, ...extra }),
    expect: staffAndPartners('STATION_OFFLINE'),
  });
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
  /** A change to a station of organisation A made for this attempt alone. */
  const stationChange = (document: string, registrationStatus: 'Accepted' | 'Pending' = 'Accepted'): OperationRow => ({
    document,
    variables: async () => ({ identity: await aStationOfA(registrationStatus) }),
    expect: staffAndPartners('ok'),
  });
  const profile = {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  };

  return {
    // Signing up and in: anyone, signed in or not.
    register: {
      document: 'mutation($input: RegisterInput!) { register(input: $input) }',
      variables: () => ({ input: { email: `new-${unique()}@example.com`, password: 'Another-long-passphrase-7' } }),
      expect: everyone('ok'),
    },
    confirmEmail: {
      document: 'mutation($token: String!) { confirmEmail(token: $token) }',
      variables: async () => ({ token: await aMailedToken('confirm-email') }),
      expect: everyone('ok'),
    },
    login: {
      document: 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { expiresIn } }',
      variables: () => ({ email: w.people.driver.email, password: w.password }),
      expect: everyone('ok'),
    },
    refreshToken: {
      document: 'mutation($token: String!) { refreshToken(refreshToken: $token) { expiresIn } }',
      variables: async () => ({ token: await aRefreshToken() }),
      expect: everyone('ok'),
    },
    unlockAccount: {
      document: 'mutation($token: String!) { unlockAccount(token: $token) }',
      variables: async () => ({
        token: await deps.accounts.delays.issueUnlockToken((await aPerson(w.system, 'DRIVER', null, w.passwordHash)).id),
      }),
      expect: everyone('ok'),
    },
    requestPasswordReset: {
      document: 'mutation($email: String!) { requestPasswordReset(email: $email) }',
      variables: () => ({ email: w.people.driver.email }),
      expect: everyone('ok'),
    },
    resetPassword: {
      document: 'mutation($token: String!) { resetPassword(token: $token, password: "A-brand-new-passphrase-9") }',
      variables: async () => ({ token: await aMailedToken('reset-password') }),
      expect: everyone('ok'),
    },

    // One's own account: people only. Logging out and closing the account end the caller, so a fresh one acts.
    logout: { document: 'mutation { logout }', caller: (who) => aFreshCaller(w, who), expect: people('ok') },
    deleteAccount: {
      document: 'mutation($password: String!) { deleteAccount(password: $password) }',
      variables: () => ({ password: w.password }),
      caller: (who) => aFreshCaller(w, who),
      expect: people('ok'),
    },
    updateMe: { document: 'mutation { updateMe(input: { name: "Matrix" }) { id } }', expect: people('ok') },

    // Organisations, sites, staff and keys.
    createOrganisation: {
      document: 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }',
      variables: () => ({ input: { name: `Matrix ${unique()}` } }),
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', admin: 'ok' },
    },
    createSite: {
      document: 'mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }',
      variables: () => ({ input: { name: 'Matrix site', organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    updateSite: {
      document: 'mutation($id: ID!) { updateSite(id: $id, input: { city: "Kigali" }) { id } }',
      variables: () => ({ id: w.siteA }),
      expect: staff('ok'),
    },
    createUser: {
      document: 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: () => ({ input: { email: `made-${unique()}@example.com`, role: 'DRIVER', organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    createApiKey: {
      document: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }',
      variables: () => ({ input: { name: 'matrix', scopes: ['stations:read'], organisationId: w.orgA } }),
      expect: staff('ok'),
    },
    revokeApiKey: {
      document: 'mutation($id: ID!) { revokeApiKey(id: $id) }',
      variables: async () => ({
        id: (await deps.apiKeys.create({ organisationId: w.orgA, name: 'throw-away', scopes: [], createdBy: null })).apiKey.id,
      }),
      expect: staff('ok'),
    },

    // Remote maintenance: diagnostics and logs are commands; images and campaigns are staff's, of their organisation.
    requestDiagnostics: command('mutation($station: String!) { requestDiagnostics(stationIdentity: $station) { id status } }'),
    requestLog: command('mutation($station: String!) { requestLog(stationIdentity: $station, logType: SecurityLog) { id status } }'),
    retireFirmwareImage: {
      document: 'mutation($id: ID!) { retireFirmwareImage(id: $id) { retiredAt } }',
      variables: async () => ({ id: await aFirmwareImageOf(w.system, w.orgA) }),
      expect: staff('ok'),
    },
    createFirmwareCampaign: {
      document: `mutation($org: ID, $image: ID!, $station: String!) {
        createFirmwareCampaign(input: { organisationId: $org, imageId: $image, name: "perm", stationIdentities: [$station], windowStart: "2099-01-01T00:00:00Z" }) { id }
      }`,
      variables: async () => ({ org: w.orgA, image: await aFirmwareImageOf(w.system, w.orgA), station: w.stationA.identity }),
      expect: staff('ok'),
    },
    pauseFirmwareCampaign: {
      document: 'mutation($id: ID!) { pauseFirmwareCampaign(id: $id) { state } }',
      variables: async () => ({ id: await aCampaignOf(w.system, w.orgA, w.stationA.id) }),
      expect: staff('ok'),
    },
    resumeFirmwareCampaign: {
      document: 'mutation($id: ID!) { resumeFirmwareCampaign(id: $id) { state } }',
      variables: async () => ({ id: await aCampaignOf(w.system, w.orgA, w.stationA.id) }),
      expect: staff('ok'),
    },

    // Configuration baselines: staff set their organisation's; pushing one is a command.
    setConfigurationBaseline: {
      document:
        'mutation($org: ID) { setConfigurationBaseline(organisationId: $org, input: { model: "Matrix 1", keys: [{ key: "HeartbeatInterval", value: "300" }] }) { id } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    applyConfigurationBaseline: {
      ...command('mutation($station: String!) { applyConfigurationBaseline(stationIdentity: $station) { rebootRequired } }'),
      variables: async () => {
        const { station } = await deps.stations.create({ identity: `PERM-BL-${unique()}`, siteId: w.siteA });
        await deps.orm.em.fork().getConnection().execute(`update station set model = 'Matrix 1' where id = ?`, [station.id]);
        await deps.maintenance.baselines.set(w.orgA, { model: 'Matrix 1', keys: [{ key: 'HeartbeatInterval', value: '300' }] }, 'test');
        return { station: station.identity };
      },
    },

    // Alerts: staff act on their organisation's.
    acknowledgeAlert: {
      document: 'mutation($id: ID!) { acknowledgeAlert(id: $id) { state } }',
      variables: async () => ({ id: await anAlertOfA() }),
      expect: staff('ok'),
    },
    resolveAlert: {
      document: 'mutation($id: ID!) { resolveAlert(id: $id, note: "fixed") { state } }',
      variables: async () => ({ id: await anAlertOfA() }),
      expect: staff('ok'),
    },
    actOnAlert: {
      document: 'mutation($id: ID!) { actOnAlert(id: $id, action: TRIGGER_STATUS) { command { status } } }',
      variables: async () => ({ id: await anAlertOfA() }),
      expect: staff('STATION_OFFLINE'),
    },
    setAlertSettings: {
      document: 'mutation($org: ID) { setAlertSettings(organisationId: $org, input: { thresholds: { offlineMinutes: 10 } }) { emails } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },

    // Analytics: staff exclude outages of their organisation's stations (each attempt a day of its own: exclusions do not overlap).
    recordOutageExclusion: {
      document:
        'mutation($station: String!, $from: DateTimeISO!, $to: DateTimeISO!) { recordOutageExclusion(stationIdentity: $station, cause: VANDALISM, from: $from, to: $to) { id cause } }',
      variables: () => {
        const day = Date.UTC(2026, 0, 1) + ++exclusionDays * 86_400_000;
        return { station: w.stationA.identity, from: new Date(day).toISOString(), to: new Date(day + 3_600_000).toISOString() };
      },
      expect: staff('ok'),
    },

    // Reports: staff ask for their organisation's and choose who gets them.
    requestReport: {
      document:
        'mutation($org: String) { requestReport(kind: NEVI_QUARTERLY, format: CSV, organisationId: $org, from: "2026-04-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { id state } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    setReportSubscription: {
      document:
        'mutation($org: ID) { setReportSubscription(organisationId: $org, kind: MONTHLY_OPERATOR, emails: ["ops@example.test"]) { kind emails } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },

    // Webhooks: staff manage their organisation's.
    createWebhook: {
      document: 'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }',
      variables: () => ({
        input: {
          url: 'http://127.0.0.1:9/matrix',
          secret: 'matrix-secret-0123456789ab',
          events: ['invoice.issued'],
          organisationId: w.orgA,
        },
      }),
      expect: staff('ok'),
    },
    updateWebhook: {
      document: 'mutation($id: ID!) { updateWebhook(id: $id, input: { description: "matrix" }) { id } }',
      variables: () => ({ id: w.webhookA }),
      expect: staff('ok'),
    },
    testWebhook: {
      document: 'mutation($id: ID!) { testWebhook(id: $id) }',
      variables: () => ({ id: w.webhookA }),
      expect: staff('ok'),
    },
    deleteWebhook: {
      document: 'mutation($id: ID!) { deleteWebhook(id: $id) }',
      variables: async () => ({
        id: (
          await deps.webhooks.endpoints.create({
            organisationId: w.orgA,
            url: 'http://127.0.0.1:9/gone',
            secret: 'throw-away-secret-0123456789',
            events: ['session.ended'],
            createdBy: null,
          })
        ).id,
      }),
      expect: staff('ok'),
    },

    // Credentials: drivers make and block their own.
    createIdToken: {
      document: 'mutation($input: CreateIdTokenInput!) { createIdToken(input: $input) { id } }',
      variables: (who) => ({ input: { value: hexTag(), type: 'RFID', ...(drivers.includes(who) ? {} : { organisationId: w.orgA }) } }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    updateIdToken: {
      document: 'mutation($id: ID!) { updateIdToken(id: $id, input: { status: Blocked }) { status } }',
      variables: async () => ({ id: (await aCard(w.system, w.orgA, w.people.driver.id)).id }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },

    // Stations: creation and lifecycle.
    createStation: {
      document: 'mutation($input: CreateStationInput!) { createStation(input: $input) { station { identity } } }',
      variables: () => ({ input: { identity: `PERM-N-${unique()}`, siteId: w.siteA } }),
      expect: staffAndPartners('ok'),
    },
    updateStation: stationChange(
      'mutation($identity: String!) { updateStation(identity: $identity, input: { name: "Renamed" }) { name } }',
    ),
    retireStation: stationChange('mutation($identity: String!) { retireStation(identity: $identity) { retiredAt } }'),
    rotateStationPassword: stationChange('mutation($identity: String!) { rotateStationPassword(identity: $identity) { pushed } }'),
    acceptStation: stationChange('mutation($identity: String!) { acceptStation(identity: $identity) { bootTrigger } }', 'Pending'),
    rejectStation: stationChange('mutation($identity: String!) { rejectStation(identity: $identity) { bootTrigger } }', 'Pending'),

    // Charging from the app, and stopping a session.
    startCharging: {
      document: 'mutation($station: String!) { startCharging(stationIdentity: $station) { id } }',
      variables: () => ({ station: w.stationA.identity }),
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', driver: 'STATION_OFFLINE', otherDriver: 'STATION_OFFLINE' },
    },
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
    stopCharging: {
      document: 'mutation($id: ID!) { stopCharging(sessionId: $id) { id } }',
      variables: () => ({ id: w.driverSession }),
      expect: { ...staffAndPartners('STATION_OFFLINE'), driver: 'STATION_OFFLINE', otherDriver: 'NOT_FOUND' },
    },

    // Remote operations on station A.
    // A card of its own: the driver's has a session open, and a remote start checks the credential first.
    remoteStart: {
      ...command(
        'mutation($station: String!, $tag: String!) { remoteStart(stationIdentity: $station, idTag: $tag, connectorId: 1) { status } }',
      ),
      variables: async () => ({ station: w.stationA.identity, tag: (await aCard(w.system, w.orgA, null)).value }),
    },
    remoteStop: command('mutation($session: ID!) { remoteStop(sessionId: $session) { status } }', { session: w.staffSession }),
    resetStation: command('mutation($station: String!) { resetStation(stationIdentity: $station, type: SOFT) { status } }'),
    unlockConnector: command('mutation($station: String!) { unlockConnector(stationIdentity: $station, connectorId: 1) { status } }'),
    changeAvailability: command(
      'mutation($station: String!) { changeAvailability(stationIdentity: $station, connectorId: 0, type: OPERATIVE) { status } }',
    ),
    clearCache: command('mutation($station: String!) { clearCache(stationIdentity: $station) { status } }'),
    clearAuthorizationCache: command('mutation($station: String!) { clearAuthorizationCache(stationIdentity: $station) }'),
    triggerMessage: command(
      'mutation($station: String!) { triggerMessage(stationIdentity: $station, requestedMessage: HEARTBEAT) { status } }',
    ),
    dataTransfer: command('mutation($station: String!) { dataTransfer(stationIdentity: $station, vendorId: "evcms") { status } }'),
    getConfiguration: command('mutation($station: String!) { getConfiguration(stationIdentity: $station) { unknownKeys } }'),
    changeConfiguration: command(
      'mutation($station: String!) { changeConfiguration(stationIdentity: $station, key: "HeartbeatInterval", value: "300") { status } }',
    ),
    getLocalListVersion: command('mutation($station: String!) { getLocalListVersion(stationIdentity: $station) { listVersion } }'),
    sendLocalList: command('mutation($station: String!) { sendLocalList(stationIdentity: $station, updateType: Full) { status } }'),
    pushLocalList: command('mutation($station: String!) { pushLocalList(stationIdentity: $station) { status } }'),
    getDiagnostics: command(
      'mutation($station: String!) { getDiagnostics(stationIdentity: $station, location: "https://example.com/diagnostics") { fileName } }',
    ),
    updateFirmware: command(
      'mutation($station: String!) { updateFirmware(stationIdentity: $station, location: "https://example.com/firmware.bin") { action } }',
    ),
    reserveNow: command(
      `mutation($station: String!, $tag: String!, $until: DateTimeISO!) {
        reserveNow(stationIdentity: $station, connectorId: 1, idTag: $tag, expiresAt: $until) { reservationId }
      }`,
      { tag: w.driverTag.value, until: new Date(Date.now() + 3_600_000).toISOString() },
    ),
    cancelReservation: command(
      'mutation($station: String!, $id: Int!) { cancelReservation(stationIdentity: $station, reservationId: $id) { status } }',
      { id: reservationId },
    ),
    setChargingProfile: command(
      'mutation($station: String!, $profile: JSON!) { setChargingProfile(stationIdentity: $station, connectorId: 0, profile: $profile) { status } }',
      { profile },
    ),
    clearChargingProfile: command('mutation($station: String!) { clearChargingProfile(stationIdentity: $station) { status } }'),
    getCompositeSchedule: command(
      'mutation($station: String!) { getCompositeSchedule(stationIdentity: $station, connectorId: 1, duration: 3600) { status } }',
    ),
  };
}

describe('who may change what: every mutation against every principal, with two organisations', () => {
  let system: TestSystem;
  let world: PermissionWorld;
  let rows: Record<string, OperationRow>;
  let momo: FakeMomo;

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    stripe = await FakeStripe.start();
    system = await startTestSystem({ roles: ['api'], env: { ...momo.env(), ...stripe.env() } });
    world = await aPermissionWorld(system);
    const em = system.deps.orm.em.fork();
    const reservation = em.create(Reservation, {
      station: em.getReference(Station, world.stationA.id),
      connectorId: 1,
      idTag: world.driverTag.value,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await em.flush();
    rows = mutationRows(world, reservation.id);
  });
  afterAll(async () => {
    await system?.close();
    await momo?.close();
    await stripe?.close();
  });

  itAnswersAsTheMatrixSays('Mutation', mutationNames, () => ({ world, rows }));
});
