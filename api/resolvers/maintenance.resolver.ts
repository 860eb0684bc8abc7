import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { organisationScope, type Principal, seesOrganisation } from '../../auth/principal.js';
import type { EventMap } from '../../events/topics.js';
import { FirmwareInputError } from '../../maintenance/firmware-images.js';
import type { DiagnosticsRequest } from '../../schema/entities/index.js';
import { organisationFor } from '../acting-organisation.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { commandTarget, commanding } from '../remote.js';
import {
  CampaignStationType,
  CampaignTotalsType,
  CreateFirmwareCampaignInput,
  DiagnosticsRequestType,
  FirmwareCampaignType,
  FirmwareCampaignUpdate,
  FirmwareImageType,
  LogTypeValue,
  UploadTransportValue,
} from '../types/maintenance.type.js';
import { StationType } from '../types/station.type.js';

const linkMinutes = 15;

function diagnosticsView(context: ApiContext, row: DiagnosticsRequest): DiagnosticsRequestType {
  const { links, settings } = context.deps.maintenance;
  const query = links.sign('diagnostics', row.id, new Date(Date.now() + linkMinutes * 60_000));
  return DiagnosticsRequestType.from(row, `${settings.httpBase}/files/diagnostics-download/${row.id}?${query}`);
}

const asInputError = (error: unknown): never => {
  if (error instanceof FirmwareInputError) throw badInput(error.message, error.field);
  throw error;
};

/** A campaign the caller may manage: any (admins), their organisation's (operators); else not found. */
async function ownCampaign(context: ApiContext, id: string) {
  const campaign = isUuid(id) ? await context.deps.maintenance.campaigns.find(id) : null;
  if (!campaign || !seesOrganisation(context.principal as Principal, campaign.organisation.id)) throw notFound(`firmware campaign ${id}`);
  return campaign;
}

/** Stations named by identity, all of the organisation; an unknown one is named. */
async function stationIds(context: ApiContext, organisationId: string, identities: string[]): Promise<string[]> {
  const rows = await context.em
    .getConnection()
    .execute<{ id: string; identity: string }[]>(
      'select id, identity from station where organisation_id = ? and lower(identity) = any(?::text[])',
      [organisationId, `{${identities.map((i) => `"${i.toLowerCase().replace(/["\\]/g, '')}"`).join(',')}}`],
    );
  const found = new Set(rows.map((row) => row.identity.toLowerCase()));
  const missing = identities.find((identity) => !found.has(identity.toLowerCase()));
  if (missing) throw badInput(`stationIdentities: station ${missing} not found`, 'stationIdentities');
  return rows.map((row) => row.id);
}

/** Remote maintenance: diagnostics and logs, firmware images and campaigns (docs/maintenance.md). */
@Resolver(() => StationType)
export class MaintenanceResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => DiagnosticsRequestType, {
    description: 'Asks the station to upload its diagnostics (GetDiagnostics) to a one-time location evcms serves',
  })
  async requestDiagnostics(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('startTime', () => Date, { nullable: true }) startTime?: Date,
    @Arg('stopTime', () => Date, { nullable: true }) stopTime?: Date,
    @Arg('transport', () => UploadTransportValue, { nullable: true, description: 'Default: FTP when FTP_PORT is set, else HTTP' })
    transport?: UploadTransportValue,
  ): Promise<DiagnosticsRequestType> {
    if (startTime && stopTime && stopTime <= startTime) throw badInput('stopTime: expected after startTime', 'stopTime');
    const { station, options } = await commandTarget(context, stationIdentity);
    const input = { station, startTime, stopTime, requestedBy: options.actor ?? null, transport };
    const row = await commanding(stationIdentity, 'GetDiagnostics', () => context.deps.maintenance.diagnostics.requestDiagnostics(input));
    return diagnosticsView(context, row);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => DiagnosticsRequestType, {
    description: 'Asks the station for a log (GetLog, 1.6 security extension) on the same upload path',
  })
  async requestLog(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('logType', () => LogTypeValue) logType: LogTypeValue,
    @Arg('startTime', () => Date, { nullable: true }) startTime?: Date,
    @Arg('stopTime', () => Date, { nullable: true }) stopTime?: Date,
    @Arg('transport', () => UploadTransportValue, { nullable: true }) transport?: UploadTransportValue,
  ): Promise<DiagnosticsRequestType> {
    const { station, options } = await commandTarget(context, stationIdentity);
    const input = { station, startTime, stopTime, requestedBy: options.actor ?? null, transport, logType };
    const row = await commanding(stationIdentity, 'GetLog', () => context.deps.maintenance.diagnostics.requestLog(input));
    return diagnosticsView(context, row);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @FieldResolver(() => [DiagnosticsRequestType], { description: 'Diagnostics and log requests, newest first (staff only)' })
  async diagnostics(@Root() station: StationType, @Ctx() context: ApiContext): Promise<DiagnosticsRequestType[]> {
    const rows = await context.deps.maintenance.diagnostics.listForStation(station.id);
    return rows.map((row) => diagnosticsView(context, row));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [FirmwareImageType], { description: "Firmware images: the organisation's and the shared ones (admins: all)" })
  async firmwareImages(
    @Ctx() context: ApiContext,
    @Arg('includeRetired', () => Boolean, { nullable: true }) includeRetired?: boolean,
  ): Promise<FirmwareImageType[]> {
    const scope = organisationScope(context.principal as Principal);
    if (scope === null) return [];
    return (await context.deps.maintenance.firmware.list(scope, { retired: includeRetired ?? false })).map(FirmwareImageType.from);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => FirmwareImageType, { description: 'Retires an image: no new campaign may use it' })
  async retireFirmwareImage(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<FirmwareImageType> {
    const image = isUuid(id) ? await context.deps.maintenance.firmware.find(id) : null;
    const scope = organisationScope(context.principal as Principal);
    if (!image || (scope !== undefined && image.organisation?.id !== scope)) throw notFound(`firmware image ${id}`);
    return FirmwareImageType.from(await context.deps.maintenance.firmware.retire(id));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => FirmwareCampaignType, { description: 'Starts rolling an image out; a target matching no station is refused' })
  async createFirmwareCampaign(
    @Ctx() context: ApiContext,
    @Arg('input', () => CreateFirmwareCampaignInput) input: CreateFirmwareCampaignInput,
  ): Promise<FirmwareCampaignType> {
    const organisationId = await organisationFor(context, input.organisationId);
    if (!isUuid(input.imageId)) throw badInput(`imageId: firmware image ${input.imageId} not found`, 'imageId');
    if (input.siteId && !isUuid(input.siteId)) throw badInput('siteId: expected an id', 'siteId');
    const ids = input.stationIdentities ? await stationIds(context, organisationId, input.stationIdentities) : undefined;
    const target = {
      ...(ids ? { stationIds: ids } : {}),
      ...(input.siteId ? { siteId: input.siteId } : {}),
      ...(input.model ? { model: input.model } : {}),
      ...(input.firmwareVersion ? { firmwareVersion: input.firmwareVersion } : {}),
    };
    const created = await context.deps.maintenance.campaigns
      .create({ ...input, organisationId, target, createdBy: (context.principal as Principal).id })
      .catch(asInputError);
    return FirmwareCampaignType.from((await context.deps.maintenance.campaigns.find(created.id)) ?? created);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => FirmwareCampaignType, { description: 'Pauses a campaign: no station is sent the update until it resumes' })
  async pauseFirmwareCampaign(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<FirmwareCampaignType> {
    await ownCampaign(context, id);
    await context.deps.maintenance.campaigns.pause(id, `paused by ${(context.principal as Principal).id}`);
    return FirmwareCampaignType.from(await ownCampaign(context, id));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => FirmwareCampaignType, { description: 'Resumes a paused campaign' })
  async resumeFirmwareCampaign(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<FirmwareCampaignType> {
    await ownCampaign(context, id);
    await context.deps.maintenance.campaigns.resume(id);
    return FirmwareCampaignType.from(await ownCampaign(context, id));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [FirmwareCampaignType], { description: "Firmware campaigns, newest first: the organisation's (admins: all)" })
  async firmwareCampaigns(@Ctx() context: ApiContext): Promise<FirmwareCampaignType[]> {
    const scope = organisationScope(context.principal as Principal);
    if (scope === null) return [];
    return (await context.deps.maintenance.campaigns.list(scope)).map(FirmwareCampaignType.from);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Subscription(() => FirmwareCampaignUpdate, {
    topics: 'firmware.campaign',
    filter: ({ payload, context, args }: { payload: EventMap['firmware.campaign']; context: ApiContext; args: { campaignId?: string } }) =>
      context.principal !== null &&
      seesOrganisation(context.principal, payload.organisationId) &&
      (!args.campaignId || args.campaignId === payload.campaignId),
    description: "A campaign's state and totals as its stations move",
  })
  firmwareCampaignUpdated(
    @Root() event: EventMap['firmware.campaign'],
    @Arg('campaignId', () => ID, { nullable: true }) _campaignId?: string,
  ): FirmwareCampaignUpdate {
    return FirmwareCampaignUpdate.from(event);
  }
}

/** A campaign's totals and stations, read when asked. */
@Resolver(() => FirmwareCampaignType)
export class FirmwareCampaignFieldsResolver {
  @FieldResolver(() => CampaignTotalsType)
  async totals(@Root() campaign: FirmwareCampaignType, @Ctx() context: ApiContext): Promise<CampaignTotalsType> {
    return CampaignTotalsType.from(await context.deps.maintenance.campaigns.totals(campaign.id));
  }

  @FieldResolver(() => [CampaignStationType])
  async stations(@Root() campaign: FirmwareCampaignType, @Ctx() context: ApiContext): Promise<CampaignStationType[]> {
    return (await context.deps.maintenance.campaigns.stations(campaign.id)).map(CampaignStationType.from);
  }
}
