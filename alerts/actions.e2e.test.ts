import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../test/api.js';
import { aStatusNotification, sql } from '../test/builders.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

interface ActResult {
  actOnAlert: {
    alert: { state: string; acknowledgedBy: string | null; actions: { action: string; connectorId: number | null; outcome: string }[] };
    command: { action: string; status: string | null };
  };
}
const act = `mutation($id: ID!, $action: AlertAction!, $connectorId: Int) {
  actOnAlert(id: $id, action: $action, connectorId: $connectorId) {
    alert { state acknowledgedBy actions { action connectorId outcome request response actor } }
    command { action status }
  }
}`;

describe('acting on an alert, end to end', () => {
  let system: TestSystem;
  let org: { organisationId: string; siteId: string };
  let operator: { id: string; token: string };
  let charger: TestCharger;
  let stationId: string;
  const received: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    org = await anOrganisation(system);
    operator = await aUser(system, 'OPERATOR', org.organisationId);
    const identity = `AA-${process.pid}`;
    const { ocppPassword, station } = await system.deps.stations.create({ identity, siteId: org.siteId });
    stationId = station.id;
    const answer = (status: string) => (params: Record<string, unknown>) => {
      received.push(JSON.stringify(params));
      return { status };
    };
    charger = await connectCharger(
      system,
      { identity, password: ocppPassword },
      {
        handlers: {
          TriggerMessage: answer('Accepted'),
          Reset: answer('Accepted'),
          ChangeAvailability: answer('Scheduled'),
          UnlockConnector: answer('Unlocked'),
        },
      },
    );
    await charger.call('BootNotification', bootPayload());
  });
  afterAll(async () => {
    expect(charger?.violations).toEqual([]);
    await charger?.close();
    await system?.close();
  });

  const aFaultAlert = async (connectorId: number) => {
    await charger.call('StatusNotification', aStatusNotification({ connectorId, status: 'Faulted', errorCode: 'GroundFailure' }));
    const { raised } = await system.deps.alerts.sweep();
    const alert = raised.find((a) => a.stationId === stationId && a.causeKey === `connector:${connectorId}`);
    expect(alert).toBeDefined();
    return alert?.id as string;
  };

  it("sends each action to the alert's connector, answers with the station's answer, and records it on the alert", async () => {
    const id = await aFaultAlert(2);
    const results: [string, string | null][] = [];
    for (const action of ['TRIGGER_STATUS', 'SET_INOPERATIVE', 'UNLOCK_CONNECTOR', 'SOFT_RESET']) {
      const result = await gql<ActResult>(system, act, { id, action }, operator.token);
      expect(result.errors).toBeUndefined();
      results.push([result.data?.actOnAlert.command.action as string, result.data?.actOnAlert.command.status ?? null]);
    }
    expect(results).toEqual([
      ['TriggerMessage', 'Accepted'],
      ['ChangeAvailability', 'Scheduled'],
      ['UnlockConnector', 'Unlocked'],
      ['Reset', 'Accepted'],
    ]);
    expect(received).toEqual([
      '{"requestedMessage":"StatusNotification","connectorId":2}',
      '{"connectorId":2,"type":"Inoperative"}',
      '{"connectorId":2}',
      '{"type":"Soft"}',
    ]);
    const last = await gql<ActResult>(system, act, { id, action: 'SET_OPERATIVE', connectorId: 1 }, operator.token);
    const alert = last.data?.actOnAlert.alert;
    expect(alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: operator.id });
    expect(alert?.actions.map((a) => [a.action, a.connectorId, a.outcome])).toEqual([
      ['TRIGGER_STATUS', 2, 'ok'],
      ['SET_INOPERATIVE', 2, 'ok'],
      ['UNLOCK_CONNECTOR', 2, 'ok'],
      ['SOFT_RESET', 2, 'ok'],
      ['SET_OPERATIVE', 1, 'ok'],
    ]);
    const audited = await sql(system, `select action, actor from command_log where station_id = ? and actor = ? order by id`, [
      stationId,
      operator.id,
    ]);
    expect(audited.map((r) => r.action)).toEqual([
      'TriggerMessage',
      'ChangeAvailability',
      'UnlockConnector',
      'Reset',
      'ChangeAvailability',
    ]);
  });

  it('refuses to unlock without a connector, and records a station that is gone as offline', async () => {
    await sql(system, `update station set firmware_status = 'DownloadFailed' where id = ?`, [stationId]);
    const { raised } = await system.deps.alerts.sweep();
    const id = raised.find((a) => a.stationId === stationId && a.kind === 'firmware-failed')?.id as string;
    const unlock = await gql(system, act, { id, action: 'UNLOCK_CONNECTOR' }, operator.token);
    expect(errorCode(unlock)).toBe('BAD_USER_INPUT');
    expect(unlock.errors?.[0]?.message).toMatch(/^connectorId: UNLOCK_CONNECTOR needs a connector/);
    const stranger = await aUser(system, 'OPERATOR', (await anOrganisation(system)).organisationId);
    expect(errorCode(await gql(system, act, { id, action: 'SOFT_RESET' }, stranger.token))).toBe('NOT_FOUND');
    await charger.close();
    await eventually(async () => (await sql(system, 'select online from station where id = ?', [stationId]))[0]?.online === false);
    const reset = await gql(system, act, { id, action: 'HARD_RESET' }, operator.token);
    expect(errorCode(reset)).toBe('STATION_OFFLINE');
    const recorded = await sql(system, 'select action, outcome, actor from alert_action where alert_id = ?', [id]);
    expect(recorded).toEqual([{ action: 'HARD_RESET', outcome: 'offline', actor: operator.id }]);
  });
});
