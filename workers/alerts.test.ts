import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStationAt } from '../test/api-data.js';
import { anOrganisation } from '../test/api.js';
import { sql } from '../test/builders.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { startAlerts } from './alerts.js';

describe('the alert worker', () => {
  let system: TestSystem;
  let alerts: Awaited<ReturnType<typeof startAlerts>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: [] });
    // A sweep a minute: what is raised sooner was raised by the event.
    alerts = await startAlerts(system.deps, { sweepMs: 60_000 });
  });
  afterAll(async () => {
    await alerts?.close();
    await system?.close();
  });

  it('raises a fault soon after the station reports it, and mails the on-call addresses', async () => {
    const org = await anOrganisation(system);
    await system.deps.alerts.setSettings(org.organisationId, { emails: ['oncall@example.test', 'ops@example.test'] }, 'test');
    const station = await aStationAt(system, org.siteId, `ALW-${Date.now()}`);
    await alerts.sweepNow();
    const raisedAt = Date.now();
    await system.deps.stations.recordStatus(
      station,
      { connectorId: 1, status: 'Faulted', errorCode: 'PowerSwitchFailure', timestamp: new Date().toISOString() },
      new Date(),
    );
    const [alert] = await eventually(async () => {
      const rows = await sql<{ id: string; raised_at: Date }>(system, `select id, raised_at from alert where station_id = ?`, [station.id]);
      if (rows.length === 0) throw new Error('not raised yet');
      return rows;
    });
    expect(new Date(alert?.raised_at as Date).getTime() - raisedAt).toBeLessThan(5_000);
    const mails = await eventually(async () => {
      const rows = await sql<{ to: string; template: string; data: Record<string, string> }>(
        system,
        `select "to", template, data from email_outbox where template = 'alert-raised' and data ->> 'alertId' = ? order by "to"`,
        [alert?.id],
      );
      if (rows.length < 2) throw new Error('not mailed yet');
      return rows;
    });
    expect(mails.map((m) => m.to)).toEqual(['oncall@example.test', 'ops@example.test']);
    expect(mails[0]?.data).toMatchObject({ station: station.identity, kind: 'connector-faulted', severity: 'major' });
  });
});
