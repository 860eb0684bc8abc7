import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { CampaignTotals } from '../../maintenance/campaigns.js';
import type { DiagnosticsRequest, FirmwareCampaign, FirmwareCampaignStation, FirmwareImage } from '../../schema/entities/index.js';

export enum UploadTransportValue {
  HTTP = 'http',
  FTP = 'ftp',
}
registerEnumType(UploadTransportValue, { name: 'UploadTransport', description: 'How the station uploads: HTTP(S) PUT/POST, or FTP' });

export enum LogTypeValue {
  DiagnosticsLog = 'DiagnosticsLog',
  SecurityLog = 'SecurityLog',
}
registerEnumType(LogTypeValue, { name: 'LogType', description: 'GetLog (OCPP 1.6 security extension): which log' });

@ObjectType('DiagnosticsRequest', { description: 'A diagnostics (GetDiagnostics) or log (GetLog) upload asked of a station, and its file' })
export class DiagnosticsRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Diagnostics, DiagnosticsLog or SecurityLog' })
  kind!: string;

  @Field(() => String, { description: 'requested, accepted, uploading, uploaded, rejected or failed' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'The last status the station reported' })
  stationStatus!: string | null;

  @Field(() => Date)
  requestedAt!: Date;

  @Field(() => Date, { description: 'No file by then: failed' })
  deadline!: Date;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  fileName!: string | null;

  @Field(() => Float, { nullable: true, description: 'Bytes' })
  size!: number | null;

  @Field(() => String, { nullable: true })
  sha256!: string | null;

  @Field(() => Date, { nullable: true })
  uploadedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'A link to the file that works for 15 minutes, while the file is kept' })
  downloadUrl!: string | null;

  static from(row: DiagnosticsRequest, downloadUrl: string | null): DiagnosticsRequestType {
    return Object.assign(new DiagnosticsRequestType(), {
      ...row,
      status: row.state,
      size: row.size ?? null,
      downloadUrl: row.storageKey ? downloadUrl : null,
    });
  }
}

@ObjectType('FirmwareImage', { description: 'A firmware image uploaded at POST /files/firmware' })
export class FirmwareImageType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null: shared by every organisation (uploaded by an administrator)' })
  organisationId!: string | null;

  @Field(() => String)
  version!: string;

  @Field(() => [String], { description: 'The station models it is for' })
  models!: string[];

  @Field(() => String)
  fileName!: string;

  @Field(() => Float, { description: 'Bytes' })
  size!: number;

  @Field(() => String)
  sha256!: string;

  @Field(() => Date)
  uploadedAt!: Date;

  @Field(() => Date, { nullable: true })
  retiredAt!: Date | null;

  @Field(() => Boolean, { description: 'Uploaded with a signing certificate and a signature (SignedUpdateFirmware)' })
  signed!: boolean;

  @Field(() => String, { nullable: true, description: 'The PEM certificate of the key that signed the image' })
  signingCertificate!: string | null;

  static from(image: FirmwareImage): FirmwareImageType {
    return Object.assign(new FirmwareImageType(), {
      ...image,
      organisationId: image.organisation?.id ?? null,
      signed: Boolean(image.signature),
      signingCertificate: image.signingCertificate ?? null,
    });
  }
}

@ObjectType('FirmwareCampaignTotals', { description: "A campaign's stations by state" })
export class CampaignTotalsType {
  @Field(() => Int) pending!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int) downloading!: number;
  @Field(() => Int) downloaded!: number;
  @Field(() => Int) installing!: number;
  @Field(() => Int) installed!: number;
  @Field(() => Int, { description: 'Booted with the new version' }) done!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) total!: number;

  static from(totals: Record<string, number>): CampaignTotalsType {
    const total = Object.values(totals).reduce((sum, n) => sum + n, 0);
    return Object.assign(new CampaignTotalsType(), totals, { total });
  }
}

@ObjectType('FirmwareCampaignStation', { description: "One station's update in a campaign" })
export class CampaignStationType {
  @Field(() => ID)
  stationId!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => String, { description: 'pending, sent, downloading, downloaded, installing, installed, done or failed' })
  state!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last FirmwareStatusNotification status (or Booted)' })
  lastStatus!: string | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  updatedAt!: Date;

  static from(row: FirmwareCampaignStation): CampaignStationType {
    return Object.assign(new CampaignStationType(), { ...row, stationId: row.station.id, stationIdentity: row.station.identity });
  }
}

@ObjectType('FirmwareCampaign', { description: 'A firmware image rolled out to stations a few at a time' })
export class FirmwareCampaignType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => FirmwareImageType)
  image!: FirmwareImageType;

  @Field(() => String, { description: 'scheduled, running, paused, completed or cancelled' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'Why it paused (the failure threshold passed, or by hand)' })
  pausedReason!: string | null;

  @Field(() => Date)
  windowStart!: Date;

  @Field(() => Date, { nullable: true })
  windowEnd!: Date | null;

  @Field(() => Int)
  concurrency!: number;

  @Field(() => Int, { description: 'Paused once this many stations failed' })
  failureThreshold!: number;

  @Field(() => Int, { description: 'Attempts per station' })
  maxAttempts!: number;

  @Field(() => Boolean, { description: 'Sends SignedUpdateFirmware; a station that does not support it gets UpdateFirmware' })
  signed!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  static from(campaign: FirmwareCampaign): FirmwareCampaignType {
    return Object.assign(new FirmwareCampaignType(), {
      ...campaign,
      organisationId: campaign.organisation.id,
      image: FirmwareImageType.from(campaign.image),
    });
  }
}

@ObjectType('FirmwareCampaignUpdate', { description: 'A campaign moved: its state and totals' })
export class FirmwareCampaignUpdate {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  state!: string;

  @Field(() => CampaignTotalsType)
  totals!: CampaignTotalsType;

  @Field(() => Date)
  at!: Date;

  static from(event: {
    campaignId: string;
    organisationId: string;
    state: string;
    totals: CampaignTotals | Record<string, number>;
    at: string;
  }) {
    return Object.assign(new FirmwareCampaignUpdate(), { ...event, totals: CampaignTotalsType.from(event.totals), at: new Date(event.at) });
  }
}

@InputType('CreateFirmwareCampaignInput', {
  description: 'An image and a target: explicit stations, or every active station matching all filters given',
})
export class CreateFirmwareCampaignInput {
  @Field(() => ID, { nullable: true, description: 'Required for administrators; operators act for their own' })
  organisationId?: string;

  @Field(() => ID)
  imageId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String], { nullable: true, description: 'Station identities' })
  stationIdentities?: string[];

  @Field(() => ID, { nullable: true })
  siteId?: string;

  @Field(() => String, { nullable: true })
  model?: string;

  @Field(() => String, { nullable: true, description: 'Stations now running this version' })
  firmwareVersion?: string;

  @Field(() => Date, { nullable: true, description: 'Default: now' })
  windowStart?: Date;

  @Field(() => Date, { nullable: true })
  windowEnd?: Date;

  @Field(() => Int, { nullable: true, description: 'Stations updating at once (default 5)' })
  concurrency?: number;

  @Field(() => Int, { nullable: true, description: 'Pause once this many stations failed (default: a tenth of the target, at least 1)' })
  failureThreshold?: number;

  @Field(() => Int, { nullable: true, description: 'Attempts per station (default 2)' })
  maxAttempts?: number;

  @Field(() => Boolean, {
    nullable: true,
    description: "SignedUpdateFirmware with the image's certificate and signature (default: when the image is signed)",
  })
  signed?: boolean;
}
