import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { maxPageSize } from '../pagination.js';
import { OrganisationType, SiteType } from '../types/organisation.type.js';
import { AnomalyType } from '../types/session-detail.type.js';
import { ChargingSessionType } from '../types/session.type.js';
import { BootEventType, ConfigurationKeyType, SecurityEventType, StatusEventType } from '../types/station-detail.type.js';
import { StationType } from '../types/station.type.js';

const history = (first: number) => {
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) throw badInput(`first: expected 1 to ${maxPageSize}`, 'first');
  return { offset: 0, limit: first };
};

/** What a station's detail page shows beyond its own columns; the operational parts are staff-only. */
@Resolver(() => StationType)
export class StationDetailResolver {
  @FieldResolver(() => SiteType, { nullable: true })
  async site(@Root() station: StationType, @Ctx() context: ApiContext): Promise<SiteType | null> {
    const site = station.siteId ? await context.loaders.site.load(station.siteId) : null;
    return site ? SiteType.from(site) : null;
  }

  @FieldResolver(() => OrganisationType, { nullable: true, description: 'The operator of the station' })
  async organisation(@Root() station: StationType, @Ctx() context: ApiContext): Promise<OrganisationType | null> {
    const organisation = station.organisationId ? await context.loaders.organisation.load(station.organisationId) : null;
    return organisation ? OrganisationType.from(organisation) : null;
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => Int, {
    description:
      '0 to 100: 100 less each open alert by severity (critical 40, major 25, minor 10, warning 5) and up to 20 for failed sessions in 7 days',
  })
  async health(@Root() station: StationType, @Ctx() context: ApiContext): Promise<number> {
    return context.loaders.healthByStation.load(station.id);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:sessions:read')
  @FieldResolver(() => [ChargingSessionType], { description: 'The open sessions, by connector (for a driver: their own only)' })
  async currentSessions(@Root() station: StationType, @Ctx() context: ApiContext): Promise<ChargingSessionType[]> {
    const principal = context.principal as Principal;
    const sessions = await context.loaders.openSessionsByStation.load(station.id);
    const visible = principal.role === 'DRIVER' ? sessions.filter((s) => s.idToken?.owner?.id === principal.id) : sessions;
    return visible.map(ChargingSessionType.from);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [ConfigurationKeyType], { description: 'Configuration keys as last read from the station' })
  async configuration(@Root() station: StationType, @Ctx() context: ApiContext): Promise<ConfigurationKeyType[]> {
    return (await context.loaders.configurationByStation.load(station.id)).map(ConfigurationKeyType.fromRow);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [BootEventType], { description: 'BootNotifications, newest first' })
  async bootHistory(
    @Root() station: StationType,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<BootEventType[]> {
    const page = await context.loaders.bootsByStation.load({ parentId: station.id, ...history(first) });
    return page.rows.map(BootEventType.fromRow);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [StatusEventType], { description: 'StatusNotifications, newest first; of one connector when given' })
  async statusHistory(
    @Root() station: StationType,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
  ): Promise<StatusEventType[]> {
    const filter = connectorId ?? null;
    const page = await context.loaders.statusesByStation.load({ parentId: station.id, ...history(first), filter });
    return page.rows.map(StatusEventType.fromRow);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [SecurityEventType], { description: 'SecurityEventNotifications (OCPP 1.6 security extension), newest first' })
  async securityEvents(
    @Root() station: StationType,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<SecurityEventType[]> {
    const page = await context.loaders.securityEventsByStation.load({ parentId: station.id, ...history(first) });
    return page.rows.map(SecurityEventType.fromRow);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @FieldResolver(() => [AnomalyType], { description: 'What the station sent that evcms could not take at face value, newest first' })
  async anomalies(
    @Root() station: StationType,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<AnomalyType[]> {
    const page = await context.loaders.anomaliesByStation.load({ parentId: station.id, ...history(first) });
    return page.rows.map(AnomalyType.fromRow);
  }
}
