import { type OperationRow, staff, unique } from '../permissions.js';
import { aCampaignOf, aFirmwareImageOf } from '../maintenance.js';
import { command, type MutationWorld } from './common.js';

/** Remote maintenance, alerts, analytics and webhooks. */
export function operationRows({ w }: MutationWorld): Record<string, OperationRow> {
  const { deps } = w.system;
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
  let exclusionDays = 0;

  return {
    // Remote maintenance: diagnostics and logs are commands; images and campaigns are staff's, of their organisation.
    requestDiagnostics: command(w, 'mutation($station: String!) { requestDiagnostics(stationIdentity: $station) { id status } }'),
    requestLog: command(w, 'mutation($station: String!) { requestLog(stationIdentity: $station, logType: SecurityLog) { id status } }'),
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
      ...command(w, 'mutation($station: String!) { applyConfigurationBaseline(stationIdentity: $station) { rebootRequired } }'),
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
  };
}
