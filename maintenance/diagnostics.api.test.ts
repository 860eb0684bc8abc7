import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../test/api.js';
import { connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

interface Listed {
  station: { diagnostics: Array<{ id: string; status: string; fileName: string; size: number; downloadUrl: string | null }> };
}

describe('diagnostics through the API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
  });
  afterAll(() => system?.close());

  it("lets an operator ask for diagnostics, list the station's requests and download the file by a short-lived link", async () => {
    const org = await anOrganisation(system);
    const operator = await aUser(system, 'OPERATOR', org.organisationId);
    const stranger = await aUser(system, 'OPERATOR', (await anOrganisation(system)).organisationId);
    const identity = `DIAG-${process.pid}-${randomBytes(2).toString('hex')}`;
    const created = await system.deps.stations.create({ identity, siteId: org.siteId });
    const file = randomBytes(5000);
    const charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          GetDiagnostics: (params) => {
            setTimeout(() => void fetch(`${String(params.location)}diag.zip`, { method: 'PUT', body: file }), 10);
            return { fileName: 'diag.zip' };
          },
        },
      },
    );
    const asked = await gql<{ requestDiagnostics: { id: string; status: string } }>(
      system,
      'mutation($s: String!, $from: DateTimeISO) { requestDiagnostics(stationIdentity: $s, startTime: $from) { id status } }',
      { s: identity, from: new Date(Date.now() - 86_400_000).toISOString() },
      operator.token,
    );
    expect(asked.data?.requestDiagnostics.status).toBe('accepted');
    const list = () =>
      gql<Listed>(
        system,
        'query($s: String!) { station(identity: $s) { diagnostics { id status fileName size downloadUrl } } }',
        { s: identity },
        operator.token,
      );
    let listed = await list();
    for (let i = 0; i < 100 && listed.data?.station.diagnostics[0]?.status !== 'uploaded'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      listed = await list();
    }
    const [request] = listed.data?.station.diagnostics ?? [];
    expect(request).toMatchObject({ status: 'uploaded', fileName: 'diag.zip', size: 5000 });
    const link = request?.downloadUrl ?? '';
    const back = await fetch(link);
    expect(back.headers.get('content-disposition')).toContain('diag.zip');
    expect(Buffer.from(await back.arrayBuffer()).equals(file)).toBe(true);
    expect((await fetch(link.replace(/signature=[^&]+/, 'signature=forged'))).status).toBe(401);
    expect((await fetch(link.replace(/expires=\d+/, 'expires=1000'))).status).toBe(401);

    const theirs = await gql(
      system,
      'mutation($s: String!) { requestDiagnostics(stationIdentity: $s) { id } }',
      { s: identity },
      stranger.token,
    );
    expect(errorCode(theirs)).toBe('NOT_FOUND');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });
});
