import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsRequest, FirmwareCampaignStation } from '../schema/entities/index.js';
import { anOrganisation } from '../test/api.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { SimulatedCharger } from './charger.js';
import { answerMaintenanceCalls } from './maintenance-calls.js';

describe('the simulator in remote maintenance', () => {
  let system: TestSystem;
  const chargers: SimulatedCharger[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ env: { FTP_PORT: '0', FIRMWARE_CAMPAIGN_TICK: '0.2' } });
  });
  afterAll(async () => {
    for (const charger of chargers) await charger.stop().catch(() => {});
    await system?.close();
  });

  async function aSimulator(siteId: string, failureRate: number) {
    const identity = `SIM-M-${process.pid}-${randomBytes(2).toString('hex')}`;
    const created = await system.deps.stations.create({ identity, siteId });
    const charger = new SimulatedCharger({
      url: system.ocppUrl,
      identity,
      password: created.ocppPassword ?? undefined,
      meterIntervalMs: 1000,
    });
    answerMaintenanceCalls(charger, { failureRate, stepMs: 10 });
    chargers.push(charger);
    expect(await charger.start()).toBe('Accepted');
    return { charger, id: created.station.id, identity };
  }

  it('uploads diagnostics over FTP, and installs firmware then reboots with the new version', async () => {
    const org = await anOrganisation(system);
    const sim = await aSimulator(org.siteId, 0);
    const request = await system.deps.maintenance.diagnostics.requestDiagnostics({ station: sim, requestedBy: 'test', transport: 'ftp' });
    const em = () => system.deps.orm.em.fork();
    const uploaded = await eventually(async () => {
      const row = await em().findOneOrFail(DiagnosticsRequest, { id: request.id });
      return row.state === 'uploaded' ? row : undefined;
    });
    expect(uploaded.fileName).toBe(`${sim.identity}-diagnostics.log`);

    const image = await system.deps.maintenance.firmware.upload(
      { organisationId: org.organisationId, version: '3.1.0', models: [], fileName: 'sim.bin', uploadedBy: null },
      Readable.from([randomBytes(2048)]),
    );
    const campaign = await system.deps.maintenance.campaigns.create({
      organisationId: org.organisationId,
      imageId: image.id,
      name: 'sim',
      target: { stationIds: [sim.id] },
      createdBy: null,
    });
    await eventually(
      async () => (await em().findOneOrFail(FirmwareCampaignStation, { campaign: campaign.id, station: sim.id })).state === 'done',
      10_000,
    );
    await eventually(async () => (await system.deps.maintenance.campaigns.find(campaign.id))?.state === 'completed');
  }, 20_000);

  it('fails now and then when told to', async () => {
    const org = await anOrganisation(system);
    const sim = await aSimulator(org.siteId, 1);
    const request = await system.deps.maintenance.diagnostics.requestDiagnostics({ station: sim, requestedBy: 'test', transport: 'http' });
    await eventually(
      async () => (await system.deps.orm.em.fork().findOneOrFail(DiagnosticsRequest, { id: request.id })).state === 'failed',
    );
  });
});
