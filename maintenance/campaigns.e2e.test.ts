import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmwareImage } from '../schema/entities/index.js';
import { anOrganisation, aUser, gql } from '../test/api.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('firmware images and campaigns, end to end', () => {
  let system: TestSystem;
  let org: { organisationId: string; siteId: string };
  let operator: { token: string };
  const chargers: TestCharger[] = [];
  const image = randomBytes(30_000);

  beforeAll(async () => {
    system = await startTestSystem({ env: { FIRMWARE_CAMPAIGN_TICK: '0.2', FIRMWARE_MAX_BYTES: '65536' } });
    org = await anOrganisation(system);
    operator = await aUser(system, 'OPERATOR', org.organisationId);
  });
  afterAll(async () => {
    for (const charger of chargers) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
    await system?.close();
  });

  const upload = (body: Buffer, query: Record<string, string>, token = operator.token) =>
    fetch(`${system.apiUrl}/files/firmware?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body,
    });
  const imageRows = () => system.deps.orm.em.fork().count(FirmwareImage, {});
  const firmwareFiles = async () =>
    (await readdir(join(system.config.DATA_DIR, 'files', 'firmware'), { recursive: true }).catch(() => [])).length;

  it('refuses an image whose checksum does not match, an oversized one and a stranger, writing nothing', async () => {
    const before = { rows: await imageRows(), files: await firmwareFiles() };
    const mismatch = await upload(image, { version: '2.0.0', models: 'Volt 22', fileName: 'fw.bin', sha256: 'ab'.repeat(32) });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('sha256');
    expect((await upload(randomBytes(70_000), { version: '2.0.0', fileName: 'big.bin' })).status).toBe(413);
    expect((await upload(image, { version: '2.0.0', fileName: 'fw.bin' }, 'not-a-token')).status).toBe(401);
    const driver = await aUser(system, 'DRIVER');
    expect((await upload(image, { version: '2.0.0', fileName: 'fw.bin' }, driver.token)).status).toBe(403);
    expect((await upload(image, { version: 'bad version!', fileName: 'fw.bin' })).status).toBe(400);
    expect({ rows: await imageRows(), files: await firmwareFiles() }).toEqual(before);
  });

  it('refuses a campaign with no targets, naming the field', async () => {
    const uploaded = (await (await upload(image, { version: '1.9.0', fileName: 'fw.bin' })).json()) as { id: string };
    const result = await gql(
      system,
      'mutation($input: CreateFirmwareCampaignInput!) { createFirmwareCampaign(input: $input) { id } }',
      { input: { imageId: uploaded.id, name: 'nobody', model: 'No Such Model' } },
      operator.token,
    );
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(result.errors?.[0]?.message).toMatch(/^target: no active station/);
    expect((await gql(system, '{ firmwareCampaigns { id } }', {}, operator.token)).data).toEqual({ firmwareCampaigns: [] });
  });

  it('rolls an image out to 20 stations a few at a time and pauses itself when 2 fail', async () => {
    const response = await upload(image, { version: '2.0.0', models: 'Volt 22', fileName: 'volt-2.0.0.bin', sha256: sha256(image) });
    expect(response.status).toBe(201);
    const { id: imageId } = (await response.json()) as { id: string };
    const failing = new Set([2, 6]);
    let updates = 0;
    let concurrent = 0;
    let mostConcurrent = 0;
    const identities: string[] = [];
    for (let n = 0; n < 20; n++) {
      const identity = `FW-${process.pid}-${String(n).padStart(2, '0')}`;
      identities.push(identity);
      const created = await system.deps.stations.create({ identity, siteId: org.siteId });
      const station = { identity, password: created.ocppPassword };
      const charger: TestCharger = await connectCharger(system, station, {
        handlers: {
          UpdateFirmware: (params) => {
            updates++;
            void install(charger, String(params.location), failing.has(n), n === 0);
            return {};
          },
        },
      });
      chargers.push(charger);
      await charger.call('BootNotification', bootPayload({ chargePointModel: 'Volt 22', firmwareVersion: '1.0.0' }));
    }
    async function install(charger: TestCharger, location: string, fails: boolean, ranged: boolean) {
      concurrent++;
      mostConcurrent = Math.max(mostConcurrent, concurrent);
      await pause(20);
      await charger.call('FirmwareStatusNotification', { status: 'Downloading' });
      if (fails) {
        await charger.call('FirmwareStatusNotification', { status: 'DownloadFailed' });
        concurrent--;
        return;
      }
      const got = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(sha256(got)).toBe(sha256(image));
      if (ranged) {
        const part = await fetch(location, { headers: { range: 'bytes=100-199' } });
        expect(part.status).toBe(206);
        expect(Buffer.from(await part.arrayBuffer()).equals(image.subarray(100, 200))).toBe(true);
      }
      for (const status of ['Downloaded', 'Installing', 'Installed']) await charger.call('FirmwareStatusNotification', { status });
      concurrent--;
      await charger.call('BootNotification', bootPayload({ chargePointModel: 'Volt 22', firmwareVersion: '2.0.0' }));
    }

    const created = await gql<{ createFirmwareCampaign: { id: string; state: string } }>(
      system,
      'mutation($input: CreateFirmwareCampaignInput!) { createFirmwareCampaign(input: $input) { id state totals { pending total } } }',
      { input: { imageId, name: 'Volt 2.0.0', model: 'Volt 22', concurrency: 3, failureThreshold: 2, maxAttempts: 1 } },
      operator.token,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data?.createFirmwareCampaign.id as string;
    const campaign = async () =>
      (
        await gql<{
          firmwareCampaigns: Array<{
            id: string;
            state: string;
            pausedReason: string;
            totals: Record<string, number>;
            stations: Array<{ stationIdentity: string; state: string; lastStatus: string }>;
          }>;
        }>(
          system,
          '{ firmwareCampaigns { id state pausedReason totals { pending sent done failed total } stations { stationIdentity state lastStatus } } }',
          {},
          operator.token,
        )
      ).data?.firmwareCampaigns.find((c) => c.id === id);
    const paused = await eventually(async () => {
      const now = await campaign();
      return now?.state === 'paused' ? now : undefined;
    }, 20_000);
    expect(paused.pausedReason).toBe('2 stations failed (threshold 2)');
    expect(paused.totals).toMatchObject({ failed: 2, total: 20 });
    expect(paused.totals.pending).toBeGreaterThan(0);
    const failed = paused.stations.filter((s) => s.state === 'failed').map((s) => s.stationIdentity);
    expect(failed.sort()).toEqual([identities[2], identities[6]]);
    await pause(500);
    const sentAtPause = updates;
    await pause(800);
    expect(updates).toBe(sentAtPause);
    expect(mostConcurrent).toBeLessThanOrEqual(3);
    const after = await campaign();
    expect(after?.stations.filter((s) => s.state === 'done').every((s) => s.lastStatus === 'Booted')).toBe(true);
    expect(after?.totals.done).toBeGreaterThanOrEqual(1);
  }, 40_000);
});
