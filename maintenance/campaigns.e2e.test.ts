import { createHash, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmwareImage, Station } from '../schema/entities/index.js';
import { anOrganisation, aUser, gql } from '../test/api.js';
import { selfSignedCertificate } from '../test/certificates.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

/** A throw-away firmware signing key (EC P-256) and its self-signed certificate. */
const signingKey = () => {
  const { cert, key } = selfSignedCertificate({
    key: ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    subject: '/CN=evcms test firmware signer',
  });
  return { certificate: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
};
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

  describe('signed (OCPP 1.6 security extension)', () => {
    const signer = signingKey();
    const signature = sign('sha256', image, signer.key).toString('base64');

    it('refuses a signature that does not verify the image, or one without its certificate, writing nothing', async () => {
      const before = { rows: await imageRows(), files: await firmwareFiles() };
      const forged = sign('sha256', randomBytes(100), signer.key).toString('base64');
      const wrong = await upload(image, {
        version: '3.0.0',
        fileName: 'fw.bin',
        signingCertificate: signer.certificate,
        signature: forged,
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('signature: does not verify');
      const alone = await upload(image, { version: '3.0.0', fileName: 'fw.bin', signature });
      expect(alone.status).toBe(400);
      expect(await alone.text()).toContain('signingCertificate');
      const garbled = await upload(image, { version: '3.0.0', fileName: 'fw.bin', signingCertificate: 'not a certificate', signature });
      expect(await garbled.text()).toContain('signingCertificate: expected a PEM X.509 certificate');
      expect({ rows: await imageRows(), files: await firmwareFiles() }).toEqual(before);
    });

    it('sends SignedUpdateFirmware where the station knows it, UpdateFirmware where not, and follows SignedFirmwareStatusNotification', async () => {
      const uploaded = await upload(image, {
        version: '3.0.0',
        models: 'Secure 11',
        fileName: 'secure-3.0.0.bin',
        sha256: sha256(image),
        signingCertificate: signer.certificate,
        signature,
      });
      expect(uploaded.status).toBe(201);
      const { id: imageId, signed } = (await uploaded.json()) as { id: string; signed: boolean };
      expect(signed).toBe(true);

      const received: Record<string, Array<{ action: string; params: Record<string, unknown> }>> = {};
      const connect = async (label: string, handlers: Record<string, (params: Record<string, unknown>) => unknown>) => {
        const identity = `SFW-${process.pid}-${label}`;
        const created = await system.deps.stations.create({ identity, siteId: org.siteId });
        const charger = await connectCharger(system, { identity, password: created.ocppPassword }, { handlers });
        chargers.push(charger);
        await charger.call('BootNotification', bootPayload({ chargePointModel: 'Secure 11', firmwareVersion: '2.9.0' }));
        received[label] = [];
        return charger;
      };
      const note = (label: string, action: string, params: Record<string, unknown>) => received[label]?.push({ action, params });

      // Installs: downloads the image, checks it against the signature it was sent, reports, boots the new version.
      const installSigned = async (charger: TestCharger, params: Record<string, unknown>) => {
        const requestId = params.requestId as number;
        const firmware = params.firmware as { location: string; signingCertificate: string; signature: string };
        const report = (status: string, id = requestId) => charger.call('SignedFirmwareStatusNotification', { status, requestId: id });
        await report('InstallationFailed', requestId + 1); // another update's: changes nothing
        await report('Downloading');
        const got = Buffer.from(await (await fetch(firmware.location)).arrayBuffer());
        expect(sha256(got)).toBe(sha256(image));
        await report('Downloaded');
        await report('SignatureVerified');
        for (const status of ['Installing', 'InstallRebooting', 'Installed']) await report(status);
        await charger.call('BootNotification', bootPayload({ chargePointModel: 'Secure 11', firmwareVersion: '3.0.0' }));
      };
      const good: TestCharger = await connect('good', {
        SignedUpdateFirmware: (params) => {
          note('good', 'SignedUpdateFirmware', params);
          void installSigned(good, params);
          return { status: 'Accepted' };
        },
      });
      const tampered: TestCharger = await connect('tampered', {
        SignedUpdateFirmware: (params) => {
          note('tampered', 'SignedUpdateFirmware', params);
          void tampered.call('SignedFirmwareStatusNotification', { status: 'InvalidSignature', requestId: params.requestId });
          return { status: 'Accepted' };
        },
      });
      const legacy: TestCharger = await connect('legacy', {
        UpdateFirmware: (params) => {
          note('legacy', 'UpdateFirmware', params);
          void (async () => {
            for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed'])
              await legacy.call('FirmwareStatusNotification', { status });
            await legacy.call('BootNotification', bootPayload({ chargePointModel: 'Secure 11', firmwareVersion: '3.0.0' }));
          })();
          return {};
        },
      });

      const created = await gql<{ createFirmwareCampaign: { id: string; signed: boolean } }>(
        system,
        'mutation($input: CreateFirmwareCampaignInput!) { createFirmwareCampaign(input: $input) { id signed } }',
        { input: { imageId, name: 'Secure 3.0.0', model: 'Secure 11', concurrency: 3, failureThreshold: 5, maxAttempts: 2 } },
        operator.token,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data?.createFirmwareCampaign.signed).toBe(true);
      const id = created.data?.createFirmwareCampaign.id as string;
      type Row = { stationIdentity: string; state: string; attempts: number; lastStatus: string };
      let last: unknown;
      setTimeout(
        () =>
          console.log(
            'DEBUG',
            JSON.stringify(last),
            JSON.stringify(received),
            chargers.map((c) => c.violations),
          ),
        19_000,
      );
      const settled = await eventually(async () => {
        const result = await gql<{ firmwareCampaigns: Array<{ id: string; state: string; stations: Row[] }> }>(
          system,
          '{ firmwareCampaigns { id state stations { stationIdentity state attempts lastStatus } } }',
          {},
          operator.token,
        );
        const campaign = result.data?.firmwareCampaigns.find((c) => c.id === id);
        return campaign?.state === 'completed' ? campaign : undefined;
      }, 20_000);
      const byLabel = Object.fromEntries(settled.stations.map((s) => [s.stationIdentity.split('-').at(-1), s]));
      expect(byLabel.good).toMatchObject({ state: 'done', attempts: 1, lastStatus: 'Booted' });
      expect(byLabel.tampered).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 'InvalidSignature' });
      expect(byLabel.legacy).toMatchObject({ state: 'done', attempts: 1, lastStatus: 'Booted' });

      expect(received.good?.map((r) => r.action)).toEqual(['SignedUpdateFirmware']);
      const firmware = received.good?.[0]?.params.firmware as Record<string, unknown>;
      expect(firmware).toMatchObject({ signingCertificate: signer.certificate.trim(), signature });
      expect(received.tampered?.map((r) => r.action)).toEqual(['SignedUpdateFirmware']);
      expect(received.legacy?.map((r) => r.action)).toEqual(['UpdateFirmware']);
      const tamperedStation = await system.deps.orm.em.fork().findOne(Station, { identity: `SFW-${process.pid}-tampered` });
      expect(tamperedStation?.firmwareStatus).toBe('InvalidSignature');
    }, 40_000);

    it('refuses a signed campaign of an image uploaded without a signature, naming the field', async () => {
      const plain = (await (await upload(image, { version: '3.0.1', models: 'Secure 11', fileName: 'fw.bin' })).json()) as { id: string };
      const result = await gql(
        system,
        'mutation($input: CreateFirmwareCampaignInput!) { createFirmwareCampaign(input: $input) { id } }',
        { input: { imageId: plain.id, name: 'unsigned', model: 'Secure 11', signed: true } },
        operator.token,
      );
      expect(result.errors?.[0]?.message).toMatch(/^signed: firmware image .* has no signature/);
    });
  });
});
