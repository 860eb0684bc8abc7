import { join } from 'node:path';
import type { StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import { ConfigurationBaselines } from './baselines.js';
import { FirmwareCampaigns } from './campaigns.js';
import { DiagnosticsService } from './diagnostics.js';
import { FirmwareImages } from './firmware-images.js';
import { LinkSigner } from './signed-link.js';
import type { S3Settings } from './s3/sigv4.js';
import { S3FileStore } from './s3/store.js';
import { type FileStore, LocalFileStore } from './storage.js';

export interface MaintenanceSettings {
  dataDir: string;
  secretKey: string;
  /** The API's public address. */
  httpBase: string;
  /** ftp://host:port, when FTP_PORT is set. */
  ftpBase: string | null;
  diagnosticsMaxBytes: number;
  diagnosticsRetentionDays: number;
  diagnosticsUploadMinutes: number;
  firmwareMaxBytes: number;
  /** An S3-compatible bucket for the files; null: DATA_DIR/files. */
  s3?: S3Settings | null;
}

/** Remote maintenance: diagnostics and log files, firmware images and campaigns over one file store; configuration baselines. */
export interface Maintenance {
  store: FileStore;
  links: LinkSigner;
  diagnostics: DiagnosticsService;
  firmware: FirmwareImages;
  campaigns: FirmwareCampaigns;
  baselines: ConfigurationBaselines;
  settings: MaintenanceSettings;
  /** The API listens on a port chosen at start (API_PORT=0, tests): links and upload locations use it from now on. */
  useHttpBase(base: string): void;
}

export function createMaintenance(
  deps: { orm: Orm; commands: StationCommands; events: EventBus; log: Logger },
  settings: MaintenanceSettings,
): Maintenance {
  const store: FileStore = settings.s3
    ? new S3FileStore(settings.s3, join(settings.dataDir, 'files-incoming'))
    : new LocalFileStore(join(settings.dataDir, 'files'));
  const links = new LinkSigner(settings.secretKey);
  const diagnostics = new DiagnosticsService({
    orm: deps.orm,
    store,
    commands: deps.commands,
    log: deps.log,
    settings: {
      maxBytes: settings.diagnosticsMaxBytes,
      retentionDays: settings.diagnosticsRetentionDays,
      uploadMinutes: settings.diagnosticsUploadMinutes,
      httpBase: settings.httpBase,
      ftpBase: settings.ftpBase,
    },
  });
  const firmware = new FirmwareImages({ orm: deps.orm, store, links, maxBytes: settings.firmwareMaxBytes, httpBase: settings.httpBase });
  const campaigns = new FirmwareCampaigns({ orm: deps.orm, images: firmware, commands: deps.commands, events: deps.events, log: deps.log });
  const useHttpBase = (base: string) => {
    settings.httpBase = base;
    diagnostics.useHttpBase(base);
    firmware.useHttpBase(base);
  };
  const baselines = new ConfigurationBaselines({ orm: deps.orm, commands: deps.commands });
  return { store, links, diagnostics, firmware, campaigns, baselines, settings, useHttpBase };
}
