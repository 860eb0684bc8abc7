import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organisation } from './organisation.js';
import { Station } from './station.js';

/** A firmware image an operator uploaded: its bytes in storage, their SHA-256, the version and the models it is for. */
export const FirmwareImageSchema = defineEntity({
  name: 'FirmwareImage',
  tableName: 'firmware_image',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).nullable().index(),
    version: p.string(),
    models: p.json<string[]>().default('[]'),
    fileName: p.string(),
    size: p.bigint('number'),
    sha256: p.string().length(64),
    storageKey: p.text(),
    uploadedBy: p.string().nullable(),
    uploadedAt: p.datetime(),
    /** Retired images are offered to no new campaign; running ones finish. */
    retiredAt: p.datetime().nullable(),
    /** Signed firmware (OCPP 1.6 security extension): the PEM certificate of the key that signed the image, and the signature (base64). */
    signingCertificate: p.text().nullable(),
    signature: p.text().nullable(),
  },
});
export class FirmwareImage extends FirmwareImageSchema.class {}
FirmwareImageSchema.setClass(FirmwareImage);

export const campaignStates = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignState = (typeof campaignStates)[number];

/** Which stations a campaign is for: explicit ones, or those matching every filter given. */
export interface CampaignTarget {
  stationIds?: string[];
  siteId?: string;
  model?: string;
  firmwareVersion?: string;
}

/** An image rolled out to stations, a few at a time, in a window; paused by itself once failures pass the threshold. */
export const FirmwareCampaignSchema = defineEntity({
  name: 'FirmwareCampaign',
  tableName: 'firmware_campaign',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).index(),
    image: () => p.manyToOne(FirmwareImage),
    name: p.string(),
    target: p.json<CampaignTarget>(),
    windowStart: p.datetime(),
    windowEnd: p.datetime().nullable(),
    concurrency: p.integer(),
    /** Paused once this many stations have failed. */
    failureThreshold: p.integer(),
    /** Attempts per station before it counts as failed. */
    maxAttempts: p.integer(),
    state: p.enum(campaignStates).default('scheduled'),
    pausedReason: p.text().nullable(),
    /** Sends SignedUpdateFirmware (the image's certificate and signature); a station that does not know it gets UpdateFirmware. */
    signed: p.boolean().default(false),
    createdBy: p.string().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class FirmwareCampaign extends FirmwareCampaignSchema.class {}
FirmwareCampaignSchema.setClass(FirmwareCampaign);

/** pending → sent → downloading → downloaded → installing → installed → done (the new version booted); or failed. */
export const campaignStationStates = ['pending', 'sent', 'downloading', 'downloaded', 'installing', 'installed', 'done', 'failed'] as const;
export type CampaignStationState = (typeof campaignStationStates)[number];

/** One station of a campaign: where its update stands, how many attempts it took, and the last thing it said. */
export const FirmwareCampaignStationSchema = defineEntity({
  name: 'FirmwareCampaignStation',
  tableName: 'firmware_campaign_station',
  indexes: [{ properties: ['station', 'state'] }],
  properties: {
    campaign: () => p.manyToOne(FirmwareCampaign).primary(),
    station: () => p.manyToOne(Station).primary(),
    state: p.enum(campaignStationStates).default('pending'),
    attempts: p.integer().default(0),
    lastStatus: p.string().nullable(),
    lastError: p.text().nullable(),
    sentAt: p.datetime().nullable(),
    /** The requestId of the SignedUpdateFirmware sent, which its SignedFirmwareStatusNotifications carry. */
    requestId: p.integer().nullable(),
    updatedAt: p.datetime(),
  },
});
export class FirmwareCampaignStation extends FirmwareCampaignStationSchema.class {}
FirmwareCampaignStationSchema.setClass(FirmwareCampaignStation);
