import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmwareCampaignStation } from '../schema/entities/index.js';
import { anOrganisation } from '../test/api.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// The campaign's steps driven by hand (tickAll), against real chargers: retries per station, the window.
describe('firmware campaigns, step by step', () => {
  let system: TestSystem;
  const chargers: TestCharger[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
  });
  afterAll(async () => {
    for (const charger of chargers) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
    await system?.close();
  });

  async function aCampaign(maxAttempts: number, windowEnd: Date | null = null) {
    const org = await anOrganisation(system);
    const identity = `FWS-${process.pid}-${randomBytes(2).toString('hex')}`;
    const created = await system.deps.stations.create({ identity, siteId: org.siteId });
    const sent: string[] = [];
    const charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          UpdateFirmware: (params) => {
            sent.push(String(params.location));
            return {};
          },
        },
      },
    );
    chargers.push(charger);
    await charger.call('BootNotification', bootPayload({ firmwareVersion: '1.0' }));
    const image = await system.deps.maintenance.firmware.upload(
      { organisationId: org.organisationId, version: '1.1', models: [], fileName: 'x.bin', uploadedBy: null },
      Readable.from([randomBytes(100)]),
    );
    const campaign = await system.deps.maintenance.campaigns.create({
      organisationId: org.organisationId,
      imageId: image.id,
      name: 'steps',
      target: { stationIds: [created.station.id] },
      maxAttempts,
      windowEnd,
      createdBy: null,
    });
    const row = () =>
      system.deps.orm.em.fork().findOneOrFail(FirmwareCampaignStation, { campaign: campaign.id, station: created.station.id });
    return { charger, campaign, sent, row };
  }

  it('retries a station that failed to download, and counts it done once it boots with the new version', async () => {
    const { charger, campaign, sent, row } = await aCampaign(2);
    await system.deps.maintenance.campaigns.tickAll();
    expect(sent).toHaveLength(1);
    await charger.call('FirmwareStatusNotification', { status: 'DownloadFailed' });
    expect(await row()).toMatchObject({ state: 'pending', attempts: 1, lastError: 'DownloadFailed' });
    await system.deps.maintenance.campaigns.tickAll();
    expect(sent).toHaveLength(2);
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed'])
      await charger.call('FirmwareStatusNotification', { status });
    expect((await row()).state).toBe('installed');
    await charger.call('BootNotification', bootPayload({ firmwareVersion: '1.0' }));
    expect((await row()).state).toBe('installed');
    await charger.call('BootNotification', bootPayload({ firmwareVersion: '1.1' }));
    expect(await row()).toMatchObject({ state: 'done', attempts: 2 });
    await system.deps.maintenance.campaigns.tickAll();
    expect((await system.deps.maintenance.campaigns.find(campaign.id))?.state).toBe('completed');
  });

  it('fails a station after its last attempt, and sends nothing after the window', async () => {
    const once = await aCampaign(1);
    await system.deps.maintenance.campaigns.tickAll();
    await once.charger.call('FirmwareStatusNotification', { status: 'InstallationFailed' });
    expect((await once.row()).state).toBe('failed');

    const closed = await aCampaign(1, new Date(Date.now() + 60_000));
    await system.deps.maintenance.campaigns.tickAll(new Date(Date.now() + 120_000));
    expect(closed.sent).toEqual([]);
    expect(await system.deps.maintenance.campaigns.find(closed.campaign.id)).toMatchObject({
      state: 'completed',
      pausedReason: 'the window closed',
    });
  });
});
