import { randomInt } from 'node:crypto';
import { OcppCallError } from '../commands/errors.js';
import type { StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import {
  type CampaignStationState,
  type CampaignTarget,
  FirmwareCampaign,
  FirmwareCampaignStation,
  FirmwareImage,
  Organisation,
  Station,
} from '../schema/entities/index.js';
import { targetStations } from './campaign-targets.js';
import { FirmwareInputError, type FirmwareImages } from './firmware-images.js';

export interface CampaignInput {
  organisationId: string;
  imageId: string;
  name: string;
  target: CampaignTarget;
  windowStart?: Date | null;
  windowEnd?: Date | null;
  concurrency?: number | null;
  failureThreshold?: number | null;
  maxAttempts?: number | null;
  /** SignedUpdateFirmware (the image's certificate and signature); by default when the image is signed. */
  signed?: boolean | null;
  createdBy: string | null;
}

export type CampaignTotals = Record<CampaignStationState, number>;

const inFlight: CampaignStationState[] = ['sent', 'downloading', 'downloaded', 'installing', 'installed'];
const progress: Record<string, CampaignStationState> = {
  Downloading: 'downloading',
  Downloaded: 'downloaded',
  Installing: 'installing',
  Installed: 'installed',
};
/** SignedFirmwareStatusNotification's statuses that move a station on (the others, scheduled or paused, are noted only). */
const signedProgress: Record<string, CampaignStationState> = {
  ...progress,
  SignatureVerified: 'downloaded',
  InstallRebooting: 'installing',
};
/** Failures retried until the station's attempts run out. */
const retriedFailures = ['DownloadFailed', 'InstallationFailed'];
/** Failures of the image itself: the same bytes and signature would fail again, so the station fails at once. */
const finalFailures = ['InvalidSignature', 'InstallVerificationFailed'];

function checkNumbers(input: CampaignInput) {
  const limits = [
    ['concurrency', input.concurrency, 1, 1000],
    ['failureThreshold', input.failureThreshold, 1, 100_000],
    ['maxAttempts', input.maxAttempts, 1, 10],
  ] as const;
  for (const [field, value, min, max] of limits) {
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      throw new FirmwareInputError(field, `expected a whole number from ${min} to ${max}`);
  }
  if (input.windowEnd && input.windowEnd.getTime() <= (input.windowStart ?? new Date()).getTime())
    throw new FirmwareInputError('windowEnd', 'expected after windowStart');
  if (!input.name.trim()) throw new FirmwareInputError('name', 'expected a name');
}

/**
 * Firmware campaigns: an image rolled out to a target, `concurrency` stations at a time within the window,
 * each station retried up to `maxAttempts`, the campaign paused by itself once `failureThreshold` stations
 * failed. A station is done when it boots again reporting the image's version.
 */
export class FirmwareCampaigns {
  constructor(private readonly deps: { orm: Orm; images: FirmwareImages; commands: StationCommands; events: EventBus; log: Logger }) {}

  private em() {
    return this.deps.orm.em.fork();
  }

  async create(input: CampaignInput): Promise<FirmwareCampaign> {
    checkNumbers(input);
    const em = this.em();
    const image = await em.findOne(FirmwareImage, { id: input.imageId });
    if (!image || (image.organisation && image.organisation.id !== input.organisationId))
      throw new FirmwareInputError('imageId', `firmware image ${input.imageId} not found`);
    if (image.retiredAt) throw new FirmwareInputError('imageId', `firmware image ${input.imageId} is retired`);
    const signed = input.signed ?? Boolean(image.signature);
    if (signed && !image.signature)
      throw new FirmwareInputError(
        'signed',
        `firmware image ${input.imageId} has no signature: upload it with signingCertificate and signature`,
      );
    const stationIds = await targetStations(em, input.organisationId, input.target);
    if (stationIds.length === 0) throw new FirmwareInputError('target', 'no active station of the organisation matches the target');
    const now = new Date();
    const campaign = em.create(FirmwareCampaign, {
      organisation: em.getReference(Organisation, input.organisationId),
      image,
      name: input.name.trim(),
      target: input.target,
      windowStart: input.windowStart ?? now,
      windowEnd: input.windowEnd ?? null,
      concurrency: input.concurrency ?? 5,
      failureThreshold: input.failureThreshold ?? Math.max(1, Math.ceil(stationIds.length / 10)),
      maxAttempts: input.maxAttempts ?? 2,
      signed,
      state: (input.windowStart ?? now) > now ? 'scheduled' : 'running',
      createdBy: input.createdBy,
      createdAt: now,
      updatedAt: now,
    });
    for (const id of stationIds) em.create(FirmwareCampaignStation, { campaign, station: em.getReference(Station, id), updatedAt: now });
    await em.flush();
    await this.announce(campaign.id);
    return campaign;
  }

  find(id: string): Promise<FirmwareCampaign | null> {
    return this.em().findOne(FirmwareCampaign, { id }, { populate: ['image'] });
  }

  list(organisationId: string | undefined): Promise<FirmwareCampaign[]> {
    const where = organisationId === undefined ? {} : { organisation: organisationId };
    return this.em().find(FirmwareCampaign, where, { orderBy: { createdAt: 'desc' }, populate: ['image'] });
  }

  stations(campaignId: string): Promise<FirmwareCampaignStation[]> {
    return this.em().find(
      FirmwareCampaignStation,
      { campaign: campaignId },
      { populate: ['station'], orderBy: { station: { identity: 'asc' } } },
    );
  }

  async totals(campaignId: string): Promise<CampaignTotals> {
    const rows = await this.em()
      .getConnection()
      .execute<{ state: CampaignStationState; n: string }[]>(
        'select state, count(*) as n from firmware_campaign_station where campaign_id = ? group by state',
        [campaignId],
      );
    const totals = { pending: 0, sent: 0, downloading: 0, downloaded: 0, installing: 0, installed: 0, done: 0, failed: 0 };
    for (const row of rows) totals[row.state] = Number(row.n);
    return totals;
  }

  async pause(id: string, reason: string): Promise<void> {
    await this.setState(id, ['running', 'scheduled'], { state: 'paused', pausedReason: reason });
  }

  async resume(id: string): Promise<void> {
    await this.setState(id, ['paused'], { state: 'running', pausedReason: null });
  }

  private async setState(id: string, from: FirmwareCampaign['state'][], changes: Partial<FirmwareCampaign>): Promise<void> {
    const changed = await this.em().nativeUpdate(FirmwareCampaign, { id, state: { $in: from } }, { ...changes, updatedAt: new Date() });
    if (changed) await this.announce(id);
  }

  /** Running campaigns one step on: pause past the threshold, finish, or send to free slots. */
  async tickAll(now = new Date()): Promise<void> {
    const started = await this.em().find(FirmwareCampaign, { state: 'scheduled', windowStart: { $lte: now } }, { fields: ['id'] });
    for (const { id } of started) await this.setState(id, ['scheduled'], { state: 'running' });
    const running = await this.em().find(FirmwareCampaign, { state: 'running', windowStart: { $lte: now } }, { populate: ['image'] });
    for (const campaign of running) await this.tick(campaign, now);
  }

  private async tick(campaign: FirmwareCampaign, now: Date): Promise<void> {
    const totals = await this.totals(campaign.id);
    if (totals.failed >= campaign.failureThreshold)
      return this.pause(campaign.id, `${totals.failed} stations failed (threshold ${campaign.failureThreshold})`);
    const busy = inFlight.reduce((sum, state) => sum + totals[state], 0);
    if (totals.pending === 0 && busy === 0) return this.setState(campaign.id, ['running'], { state: 'completed' });
    if (campaign.windowEnd && campaign.windowEnd <= now) {
      if (busy === 0) await this.setState(campaign.id, ['running'], { state: 'completed', pausedReason: 'the window closed' });
      return;
    }
    const free = campaign.concurrency - busy;
    if (free <= 0 || totals.pending === 0) return;
    const next = await this.em().find(
      FirmwareCampaignStation,
      { campaign: campaign.id, state: 'pending' },
      { populate: ['station'], limit: free, orderBy: { attempts: 'asc', station: { identity: 'asc' } } },
    );
    const expires = new Date(Math.max(now.getTime() + 48 * 3_600_000, (campaign.windowEnd ?? now).getTime()));
    const location = this.deps.images.downloadUrl(campaign.image, expires);
    await Promise.all(next.map((row) => this.send(campaign, row, location, now)));
    await this.announce(campaign.id);
  }

  /**
   * Sends one station its update. The row says `sent` (with the requestId) before the call goes out: a station
   * may report progress before its answer to the call has arrived, and that progress must find the row.
   */
  private async send(campaign: FirmwareCampaign, row: FirmwareCampaignStation, location: string, now: Date): Promise<void> {
    const attempts = row.attempts + 1;
    const key = { campaign: campaign.id, station: row.station.id };
    const requestId = randomInt(1, 2 ** 31 - 1);
    const claimed = await this.em().nativeUpdate(
      FirmwareCampaignStation,
      { ...key, state: 'pending' },
      { state: 'sent', attempts, sentAt: now, requestId, lastError: null, updatedAt: now },
    );
    if (!claimed) return;
    try {
      const signed = await this.update(campaign, row.station.identity, location, now, requestId);
      if (!signed) await this.em().nativeUpdate(FirmwareCampaignStation, key, { requestId: null });
    } catch (error) {
      const state = attempts >= campaign.maxAttempts ? 'failed' : 'pending';
      await this.em().nativeUpdate(FirmwareCampaignStation, key, { state, lastError: (error as Error).message, updatedAt: new Date() });
    }
  }

  /**
   * Sends the update: SignedUpdateFirmware with the image's certificate and signature when the campaign is signed
   * (resolving to true), UpdateFirmware otherwise or to a station that answers NotImplemented or NotSupported to
   * the signed one (resolving to false). A signed update the station refuses throws its status.
   */
  private async update(campaign: FirmwareCampaign, identity: string, location: string, now: Date, requestId: number): Promise<boolean> {
    const options = { actor: campaign.createdBy ?? undefined };
    const { signingCertificate, signature } = campaign.image;
    if (campaign.signed && signingCertificate && signature) {
      const firmware = { location, retrieveDateTime: now.toISOString(), signingCertificate, signature };
      try {
        const { status } = await this.deps.commands.send(identity, 'SignedUpdateFirmware', { requestId, firmware }, options);
        if (status !== 'Accepted' && status !== 'AcceptedCanceled') throw new Error(`SignedUpdateFirmware: ${status}`);
        return true;
      } catch (error) {
        const unknown = error instanceof OcppCallError && (error.code === 'NotImplemented' || error.code === 'NotSupported');
        if (!unknown) throw error;
      }
    }
    await this.deps.commands.send(identity, 'UpdateFirmware', { location, retrieveDate: now.toISOString() }, options);
    return false;
  }

  /** The station's update in a live campaign, if it has one. */
  private current(stationId: string) {
    return this.em().findOne(
      FirmwareCampaignStation,
      { station: stationId, state: { $in: inFlight }, campaign: { state: { $in: ['running', 'paused'] } } },
      { populate: ['campaign', 'campaign.image'] },
    );
  }

  /** A FirmwareStatusNotification: progress, or a failure that is retried until the station's attempts run out. */
  firmwareStatus(stationId: string, status: string): Promise<void> {
    return this.moved(stationId, status, progress);
  }

  /**
   * A SignedFirmwareStatusNotification (1.6 security extension): as FirmwareStatusNotification, with its own
   * statuses; InvalidSignature and InstallVerificationFailed fail the station at once. One carrying another
   * update's requestId changes nothing.
   */
  signedFirmwareStatus(stationId: string, status: string, requestId: number | undefined): Promise<void> {
    return this.moved(stationId, status, signedProgress, requestId);
  }

  private async moved(stationId: string, status: string, states: Record<string, CampaignStationState>, requestId?: number): Promise<void> {
    const row = await this.current(stationId);
    if (!row || (requestId !== undefined && row.requestId !== null && row.requestId !== requestId)) return;
    const final = finalFailures.includes(status);
    const failed = final || retriedFailures.includes(status);
    const state = failed ? (final || row.attempts >= row.campaign.maxAttempts ? 'failed' : 'pending') : states[status];
    const changes = { lastStatus: status, updatedAt: new Date(), ...(state ? { state } : {}), ...(failed ? { lastError: status } : {}) };
    await this.em().nativeUpdate(FirmwareCampaignStation, { campaign: row.campaign.id, station: stationId }, changes);
    await this.announce(row.campaign.id);
  }

  /** A BootNotification: reporting the campaign image's version, the station is done. */
  async booted(stationId: string, firmwareVersion: string | null | undefined): Promise<void> {
    if (!firmwareVersion) return;
    const row = await this.current(stationId);
    if (!row || row.campaign.image.version !== firmwareVersion) return;
    await this.em().nativeUpdate(
      FirmwareCampaignStation,
      { campaign: row.campaign.id, station: stationId },
      { state: 'done', lastStatus: 'Booted', updatedAt: new Date() },
    );
    await this.announce(row.campaign.id);
  }

  private async announce(campaignId: string): Promise<void> {
    const campaign = await this.em().findOne(FirmwareCampaign, { id: campaignId });
    if (!campaign) return;
    await this.deps.events
      .publish('firmware.campaign', {
        campaignId,
        organisationId: campaign.organisation.id,
        state: campaign.state,
        totals: await this.totals(campaignId),
        at: new Date().toISOString(),
      })
      .catch((error: unknown) => this.deps.log.warn({ err: error, campaignId }, 'firmware campaign event not published'));
  }
}
