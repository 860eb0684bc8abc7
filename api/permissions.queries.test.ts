import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationKeyOf } from '../commands/rotate-password.js';
import { gql } from '../test/api.js';
import {
  aPermissionWorld,
  everyone,
  type OperationRow,
  itAnswersAsTheMatrixSays,
  organisationIdOf,
  ownItems,
  type PermissionWorld,
  type PrincipalName,
  schemaOperations,
  people,
  personOf,
  staff,
  staffAndPartners,
  unique,
} from '../test/permissions.js';
import { FakeStripe } from '../simulator/providers/stripe/server.js';
import { aCampaignOf } from '../test/maintenance.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// Every query of the schema against every principal: see test/permissions.ts for who they are.

const queryNames = await schemaOperations('Query');
/** The local Stripe server behind paymentMethods. */
let stripe: FakeStripe;

type Item = Record<string, unknown>;
const nodes = (data: unknown) => (data as { nodes: Item[] }).nodes;
const idOf = (value: unknown) => (value as { id?: string } | null)?.id ?? null;

function queryRows(w: PermissionWorld, paymentId: string): Record<string, OperationRow> {
  /** An object of the principal's own organisation (never for those without one). */
  const inOwnOrganisation = (who: PrincipalName, organisationId: unknown) =>
    organisationId !== null && organisationId === organisationIdOf(w, who);
  const driverCards: Partial<Record<PrincipalName, string>> = { driver: w.driverTag.value, otherDriver: w.otherDriverTag.value };
  const stationOrganisation: Record<string, string> = {
    [w.stationA.identity]: w.orgA,
    [w.pendingA]: w.orgA,
    [w.stationB.identity]: w.orgB,
  };
  const cardOrganisation: Record<string, string> = {
    [w.driverTag.value]: w.orgA,
    [w.orgATag.value]: w.orgA,
    [w.otherDriverTag.value]: w.orgB,
  };

  return {
    alerts: {
      document: 'query($org: ID) { alerts(organisationId: $org) { id organisationId } }',
      variables: () => ({ org: w.orgA }),
      items: (data) => data as Item[],
      owns: (who, alert) => inOwnOrganisation(who, alert.organisationId),
      expect: { ...staffAndPartners('filtered'), admin: 'ok', operatorB: 'empty', partnerB: 'empty' },
    },
    // Analytics: staff only, their organisation's (B's operator finds A's station or site not found).
    analytics: {
      document:
        'query($site: String) { analytics(siteId: $site, from: "2026-06-01T00:00:00Z", to: "2026-06-02T00:00:00Z", granularity: HOUR) { timeZone totals { sessions } } }',
      variables: () => ({ site: w.siteA }),
      expect: staff('ok'),
    },
    heatmap: {
      document:
        'query($station: String) { heatmap(stationIdentity: $station, from: "2026-06-01T00:00:00Z", to: "2026-06-08T00:00:00Z") { weekday } }',
      variables: () => ({ station: w.stationA.identity }),
      expect: staff('ok'),
    },
    uptime: {
      document: 'query($station: String) { uptime(stationIdentity: $station) { connectorId uptimePercent } }',
      variables: () => ({ station: w.stationA.identity }),
      expect: staff('ok'),
    },
    faults: {
      document:
        'query($station: String) { faults(stationIdentity: $station, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { errorCode vendor faults } }',
      variables: () => ({ station: w.stationA.identity }),
      expect: staff('ok'),
    },
    sessionDistribution: {
      document:
        'query($site: String) { sessionDistribution(siteId: $site, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { energy { from sessions } duration { to } } }',
      variables: () => ({ site: w.siteA }),
      expect: staff('ok'),
    },
    rankStations: {
      document:
        'query($org: String) { rankStations(organisationId: $org, metric: ENERGY, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { stationIdentity } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    // Reports: staff, their organisation's.
    reports: {
      document: '{ reports { id organisationId } }',
      items: (data) => data as Item[],
      owns: (who, report) => inOwnOrganisation(who, report.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    reportSubscriptions: {
      document: 'query($org: ID) { reportSubscriptions(organisationId: $org) { kind emails } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    alertSettings: {
      document: 'query($org: ID) { alertSettings(organisationId: $org) { organisationId thresholds { offlineMinutes } } }',
      variables: () => ({ org: w.orgA }),
      expect: staff('ok'),
    },
    webhooks: {
      document: 'query($org: ID) { webhooks(organisationId: $org) { id organisationId } }',
      variables: () => ({ org: w.orgA }),
      items: (data) => data as Item[],
      owns: (who, hook) => inOwnOrganisation(who, hook.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    firmwareImages: {
      document: '{ firmwareImages { id organisationId } }',
      items: (data) => data as Item[],
      owns: (who, image) => inOwnOrganisation(who, image.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    firmwareCampaigns: {
      document: '{ firmwareCampaigns { id organisationId } }',
      items: (data) => data as Item[],
      owns: (who, campaign) => inOwnOrganisation(who, campaign.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    configurationBaselines: {
      document: 'query($org: ID) { configurationBaselines(organisationId: $org) { id organisationId } }',
      variables: () => ({ org: w.orgA }),
      items: (data) => data as Item[],
      owns: (who, baseline) => inOwnOrganisation(who, baseline.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    webhookDeliveries: {
      document: 'query($id: ID!) { webhookDeliveries(webhookId: $id) { id } }',
      variables: () => ({ id: w.webhookA }),
      expect: staff('ok'),
    },
    apiKeys: {
      document: 'query($org: ID) { apiKeys(organisationId: $org) { id organisationId } }',
      variables: () => ({ org: w.orgA }),
      items: (data) => data as Item[],
      owns: (who, key) => inOwnOrganisation(who, key.organisationId),
      // Asked for organisation A's keys, B's operator gets an empty list rather than an error.
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'empty' },
    },
    authorizationDecisions: {
      document: '{ authorizationDecisions(first: 100) { nodes { idTag stationIdentity } } }',
      items: nodes,
      owns: (who, decision) =>
        inOwnOrganisation(who, stationOrganisation[decision.stationIdentity as string]) ||
        inOwnOrganisation(who, cardOrganisation[decision.idTag as string]),
      expect: { ...staffAndPartners('filtered'), admin: 'ok', operatorB: 'filtered', partnerB: 'filtered' },
    },
    commandLog: {
      document: '{ commandLog(first: 100) { nodes { stationIdentity } } }',
      items: nodes,
      owns: (who, entry) => inOwnOrganisation(who, stationOrganisation[entry.stationIdentity as string]),
      expect: { ...staffAndPartners('filtered'), admin: 'ok', operatorB: 'filtered', partnerB: 'filtered' },
    },
    idToken: {
      document: 'query($id: ID!) { idToken(id: $id) { id } }',
      variables: () => ({ id: w.driverTag.id }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
    idTokens: {
      document: '{ idTokens(first: 100) { nodes { value ownerId organisationId } } }',
      items: nodes,
      owns: (who, card) => {
        const person = personOf(w, who);
        return driverCards[who] ? card.ownerId === person?.id : inOwnOrganisation(who, card.organisationId);
      },
      expect: ownItems(),
    },
    invoice: {
      document: 'query($id: ID!) { invoice(id: $id) { id } }',
      variables: () => ({ id: w.invoiceA }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
    invoices: {
      document: '{ invoices(first: 100) { nodes { organisationId payerUserId } } }',
      items: nodes,
      owns: (who, invoice) =>
        driverCards[who] ? invoice.payerUserId === personOf(w, who)?.id : inOwnOrganisation(who, invoice.organisationId),
      expect: { ...ownItems(), otherDriver: 'empty', operatorB: 'empty', partnerB: 'empty' },
    },
    me: { document: '{ me { id } }', expect: people('ok') },
    priceEstimate: {
      document:
        'query($identity: String!) { priceEstimate(stationIdentity: $identity, energyWh: 10000, durationMinutes: 60) { inclTaxMinor } }',
      variables: () => ({ identity: w.stationA.identity }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    organisation: {
      document: 'query($id: ID!) { organisation(id: $id) { id } }',
      variables: () => ({ id: w.orgA }),
      // Any signed-in principal may read its own organisation: a key needs no scope for that.
      expect: { ...staffAndPartners('ok'), partnerANoScope: 'ok', driver: 'NOT_FOUND', otherDriver: 'NOT_FOUND' },
    },
    organisations: {
      document: '{ organisations(first: 100) { nodes { id } } }',
      items: nodes,
      owns: (who, organisation) => inOwnOrganisation(who, organisation.id),
      // Drivers belong to no organisation.
      expect: { ...ownItems(), partnerANoScope: 'filtered', driver: 'empty', otherDriver: 'empty' },
    },
    reservations: {
      document: 'query($identity: String!) { reservations(stationIdentity: $identity) { totalCount } }',
      variables: () => ({ identity: w.stationA.identity }),
      expect: staffAndPartners('ok'),
    },
    session: {
      document: 'query($id: ID!) { session(id: $id) { id } }',
      variables: () => ({ id: w.driverSession }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
    sessions: {
      document: '{ sessions(first: 100) { nodes { id idTag station { organisation { id } } } } }',
      items: nodes,
      owns: (who, session) =>
        driverCards[who] ? session.idTag === driverCards[who] : inOwnOrganisation(who, idOf((session.station as Item).organisation)),
      expect: ownItems(),
    },
    site: {
      document: 'query($id: ID!) { site(id: $id) { id } }',
      variables: () => ({ id: w.siteA }),
      // Drivers see the sites where they may charge.
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    sites: {
      document: '{ sites(first: 100) { nodes { id organisation { id } stations { totalCount } } } }',
      items: nodes,
      owns: (who, site) =>
        driverCards[who] ? (site.stations as { totalCount: number }).totalCount > 0 : inOwnOrganisation(who, idOf(site.organisation)),
      expect: ownItems(),
    },
    station: {
      document: 'query($identity: String!) { station(identity: $identity) { identity } }',
      variables: () => ({ identity: w.stationA.identity }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    stations: {
      document: '{ stations(first: 100) { nodes { identity registrationStatus organisation { id } } } }',
      items: nodes,
      // Drivers see the stations they may charge at: accepted ones, of any organisation.
      owns: (who, station) =>
        driverCards[who] ? station.registrationStatus === 'Accepted' : inOwnOrganisation(who, idOf(station.organisation)),
      expect: ownItems(),
    },
    system: { document: '{ system { version } }', expect: everyone('ok') },
    plans: {
      document: '{ plans { organisationId archivedAt } }',
      items: (data) => data as Item[],
      // Drivers read the plans open to subscribers, of any operator.
      owns: (who, plan) => (driverCards[who] ? plan.archivedAt === null : inOwnOrganisation(who, plan.organisationId)),
      expect: { ...ownItems(), driver: 'ok', otherDriver: 'ok' },
    },
    mySubscriptions: {
      document: '{ mySubscriptions { userId energyLeftWh } }',
      items: (data) => data as Item[],
      owns: (who, subscription) => subscription.userId === personOf(w, who)?.id,
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', driver: 'filtered', otherDriver: 'empty' },
    },
    planSubscriptions: {
      document: '{ planSubscriptions { organisationId } }',
      items: (data) => data as Item[],
      owns: (who, subscription) => inOwnOrganisation(who, subscription.organisationId),
      expect: { ...staffAndPartners('filtered'), admin: 'ok', operatorB: 'empty', partnerB: 'empty' },
    },
    tariff: {
      document: 'query($id: ID!) { tariff(id: $id) { id } }',
      variables: () => ({ id: w.tariffA }),
      // Prices are public: drivers read any organisation's.
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    tariffs: {
      document: '{ tariffs(first: 100) { nodes { organisationId } } }',
      items: nodes,
      owns: (who, tariff) => inOwnOrganisation(who, tariff.organisationId),
      expect: { ...ownItems(), driver: 'ok', otherDriver: 'ok' },
    },
    wallets: {
      document: '{ wallets { organisationId ownerId } }',
      items: (data) => data as Item[],
      owns: (who, wallet) => (driverCards[who] ? wallet.ownerId === personOf(w, who)?.id : inOwnOrganisation(who, wallet.organisationId)),
      expect: { ...ownItems(), otherDriver: 'empty', operatorB: 'empty', partnerB: 'empty' },
    },
    payment: {
      document: 'query($id: ID!) { payment(id: $id) { id } }',
      variables: () => ({ id: paymentId }),
      // The driver who paid, and organisation A's staff and partners.
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },
    paymentMethods: {
      document: '{ paymentMethods { id brand last4 isDefault } }',
      expect: { ...people('ok'), admin: 'FORBIDDEN', operatorA: 'FORBIDDEN', operatorB: 'FORBIDDEN' },
    },
    payments: {
      document: '{ payments(first: 100) { nodes { organisationId payerUserId } } }',
      items: nodes,
      owns: (who, payment) =>
        driverCards[who] ? payment.payerUserId === personOf(w, who)?.id : inOwnOrganisation(who, payment.organisationId),
      expect: { ...ownItems(), otherDriver: 'empty', operatorB: 'empty', partnerB: 'empty' },
    },
    users: {
      document: '{ users(first: 100) { nodes { id organisationId } } }',
      items: nodes,
      owns: (who, user) => inOwnOrganisation(who, user.organisationId),
      expect: { ...staff('filtered'), admin: 'ok', operatorB: 'filtered' },
    },
  };
}

describe('who may read what: every query against every principal, with two organisations', () => {
  let system: TestSystem;
  let world: PermissionWorld;
  let rows: Record<string, OperationRow>;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    system = await startTestSystem({ roles: ['api'], env: stripe.env() });
    world = await aPermissionWorld(system);
    const { authorization, authDecisions } = system.deps;
    await authorization.check(world.driverTag.value, { stationId: world.stationA.id });
    await authorization.check(world.otherDriverTag.value, { stationId: world.stationB.id });
    await authDecisions.flush();
    // An audited command at each station (they are offline: the audit records the failure).
    for (const station of [world.stationA, world.stationB])
      await system.deps.stationCommands.send(station.identity, 'ClearCache', {}, { actor: 'system' }).catch(() => {});
    // An alert at each station, so lists have something to filter.
    for (const [organisationId, station] of [
      [world.orgA, world.stationA],
      [world.orgB, world.stationB],
    ] as const)
      await system.deps.orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into alert (id, organisation_id, station_id, kind, cause_key, severity, message, raised_at)
           values (gen_random_uuid(), ?, ?, 'station-offline', '', 'major', 'offline', now())`,
          [organisationId, station.id],
        );
    // A firmware image and a campaign of organisation A.
    await aCampaignOf(system, world.orgA, world.stationA.id);
    // A report of organisation A (queued: this system runs no workers).
    await system.deps.reports.request({
      organisationId: world.orgA,
      kind: 'NEVI_QUARTERLY',
      format: 'CSV',
      scope: { kind: 'organisation', organisationId: world.orgA },
      timeZone: 'UTC',
      from: new Date('2026-04-01T00:00:00Z'),
      to: new Date('2026-07-01T00:00:00Z'),
      requestedBy: world.people.operatorA.id,
    });
    // A configuration baseline of each organisation.
    for (const organisationId of [world.orgA, world.orgB])
      await system.deps.maintenance.baselines.set(
        organisationId,
        { model: 'Matrix 1', keys: [{ key: 'HeartbeatInterval', value: '300' }] },
        'test',
      );
    // A plan of each organisation; the driver subscribes to A's.
    const aPlanOf = (organisationId: string) =>
      system.deps.plans.catalogue.create(organisationId, { name: `Plan ${unique()}`, interval: 'month', currency: 'RWF', feeMinor: 1000 });
    const [planA] = await Promise.all([aPlanOf(world.orgA), aPlanOf(world.orgB)]);
    await system.deps.plans.subscriptions.subscribe(world.people.driver.id, planA.id);
    // A payment of organisation A by the driver: an invoice paid from the wallet the world funded.
    const [invoice] = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>(
        `insert into invoice (id, organisation_id, number, kind, payer_user_id, currency, excl_tax_minor, tax_minor, incl_tax_minor,
           status, issued_at, due_at) values (gen_random_uuid(), ?, ?, 'invoice', ?, 'RWF', 100, 18, 118, 'open', now(), now()) returning id`,
        [world.orgA, `PERM-PAY-${unique()}`, world.people.driver.id],
      );
    const payment = await system.deps.payments.payInvoice({
      invoiceId: invoice?.id as string,
      userId: world.people.driver.id,
      method: 'wallet',
    });
    rows = queryRows(world, payment.id);
  });
  afterAll(async () => {
    await system?.close();
    await stripe?.close();
  });

  itAnswersAsTheMatrixSays('Query', queryNames, () => ({ world, rows }));

  it("shows no reader of the command audit a station's new password", async () => {
    const { station } = await system.deps.stations.create({ identity: `PERM-ROTATE-${unique()}`, siteId: world.siteA });
    const rotated = await gql<{ rotateStationPassword: { ocppPassword: string } }>(
      system,
      'mutation($identity: String!) { rotateStationPassword(identity: $identity) { ocppPassword } }',
      { identity: station.identity },
      world.credentials.operatorA,
    );
    const password = rotated.data?.rotateStationPassword.ocppPassword as string;
    const audit = await gql<{ commandLog: { nodes: Array<{ action: string; request: unknown }> } }>(
      system,
      'query($station: String) { commandLog(stationIdentity: $station) { nodes { action request } } }',
      { station: station.identity },
      world.credentials.partnerA,
    );
    const entries = audit.data?.commandLog.nodes ?? [];
    expect(entries.map((e) => e.action)).toEqual(['ChangeConfiguration']);
    expect(JSON.stringify(entries)).not.toContain(authorizationKeyOf(password));
    expect(JSON.stringify(entries)).not.toContain(password);
  });
});
