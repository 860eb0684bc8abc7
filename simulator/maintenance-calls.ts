import type { SimulatedCharger } from './charger.js';
import { ftpUpload } from './ftp-upload.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A diagnostics file as a charger might write one: a few log lines about itself. */
function diagnosticsFile(charger: SimulatedCharger): Buffer {
  const lines = charger.connectors.map((c) => `${new Date().toISOString()} connector ${c.id} ${c.status} ${c.errorCode}`);
  return Buffer.from(`${charger.identity} diagnostics\n${lines.join('\n')}\n`);
}

/** Uploads to an ftp:// location, or PUTs to an http(s):// one, as chargers do. */
async function upload(location: string, fileName: string, data: Buffer): Promise<void> {
  if (location.startsWith('ftp://')) return void (await ftpUpload(location, fileName, data));
  const response = await fetch(`${location.replace(/\/?$/, '/')}${fileName}`, { method: 'PUT', body: data });
  if (!response.ok) throw new Error(`upload refused: ${response.status}`);
}

/**
 * GetDiagnostics and UpdateFirmware as a charger handles them: the diagnostics file uploaded to the location
 * (FTP or HTTP) with DiagnosticsStatusNotification Uploading/Uploaded, the firmware downloaded and installed
 * with each FirmwareStatusNotification, then a reboot reporting the new version (evcms names it in the
 * download's x-firmware-version header). Each fails with probability `failureRate` (UploadFailed,
 * DownloadFailed or InstallationFailed).
 */
export function answerMaintenanceCalls(charger: SimulatedCharger, options: { failureRate: number; stepMs?: number }): void {
  const fails = () => Math.random() < options.failureRate;
  const step = () => pause(options.stepMs ?? 500);
  const status = (action: 'DiagnosticsStatusNotification' | 'FirmwareStatusNotification', value: string) =>
    charger.client.call(action, { status: value } as never);

  charger.client.handle('GetDiagnostics', ({ location }) => {
    const fileName = `${charger.identity}-diagnostics.log`;
    const run = async () => {
      await status('DiagnosticsStatusNotification', 'Uploading');
      await step();
      const ok =
        !fails() &&
        (await upload(location, fileName, diagnosticsFile(charger)).then(
          () => true,
          () => false,
        ));
      await status('DiagnosticsStatusNotification', ok ? 'Uploaded' : 'UploadFailed');
      charger.log(`diagnostics ${ok ? 'uploaded' : 'upload failed'}`);
    };
    return { response: { fileName }, afterReply: run };
  });

  charger.client.handle('UpdateFirmware', ({ location }) => {
    const run = async () => {
      await status('FirmwareStatusNotification', 'Downloading');
      await step();
      const download = fails() ? null : await fetch(location).catch(() => null);
      const version = download?.ok ? download.headers.get('x-firmware-version') : null;
      if (download?.ok) await download.arrayBuffer();
      if (!version) return void (await status('FirmwareStatusNotification', 'DownloadFailed'));
      await status('FirmwareStatusNotification', 'Downloaded');
      await status('FirmwareStatusNotification', 'Installing');
      await step();
      if (fails()) return void (await status('FirmwareStatusNotification', 'InstallationFailed'));
      await status('FirmwareStatusNotification', 'Installed');
      charger.options.boot = { ...charger.options.boot, firmwareVersion: version };
      charger.log(`firmware ${version} installed; rebooting`);
      await charger.reboot();
    };
    return { response: {}, afterReply: run };
  });
}
