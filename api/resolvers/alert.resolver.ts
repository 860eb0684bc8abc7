import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { organisationScope, type Principal, seesOrganisation } from '../../auth/principal.js';
import { AlertSettingsError } from '../../alerts/settings.js';
import type { AlertView } from '../../alerts/service.js';
import type { AlertEvent } from '../../events/topics.js';
import { Station } from '../../schema/entities/index.js';
import { organisationFor } from '../acting-organisation.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { AlertChange, AlertSettingsInput, AlertSettingsType, AlertStateValue, AlertType } from '../types/alert.type.js';

/** An alert the caller may act on: any (admins), their organisation's (operators); else not found. */
async function ownAlert(context: ApiContext, id: string): Promise<AlertView> {
  const alert = isUuid(id) ? await context.deps.alerts.find(id) : null;
  if (!alert || !seesOrganisation(context.principal as Principal, alert.organisationId)) throw notFound(`alert ${id}`);
  return alert;
}

const alertEvent = ({ payload, context, args }: { payload: AlertEvent; context: ApiContext; args: { stationIdentity?: string } }) =>
  context.principal !== null &&
  seesOrganisation(context.principal, payload.organisationId) &&
  (!args.stationIdentity || args.stationIdentity.toLowerCase() === payload.identity.toLowerCase());

const settingsOf = (organisationId: string, s: Awaited<ReturnType<ApiContext['deps']['alerts']['settings']>>): AlertSettingsType =>
  Object.assign(new AlertSettingsType(), { organisationId, ...s });

/** Alerts for operators: what is wrong at their stations, who is on it, and what cleared. */
@Resolver(() => AlertType)
export class AlertResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @Query(() => [AlertType], { description: "Alerts, newest first: the organisation's (admins: all, or one organisation's)" })
  async alerts(
    @Ctx() context: ApiContext,
    @Arg('states', () => [AlertStateValue], { nullable: true }) states?: AlertStateValue[],
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
    @Arg('severities', () => [String], { nullable: true }) severities?: string[],
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first = 50,
  ): Promise<AlertType[]> {
    if (first < 1 || first > 500) throw badInput('first: expected 1 to 500', 'first');
    const scope = organisationScope(context.principal as Principal);
    if (scope === null || (scope !== undefined && organisationId && organisationId !== scope)) return [];
    const organisation = scope ?? organisationId;
    if (organisation && !isUuid(organisation)) return [];
    let stationId: string | undefined;
    if (stationIdentity) {
      const station = await context.em.findOne(Station, { identity: stationIdentity });
      if (!station) return [];
      stationId = station.id;
    }
    const rows = await context.deps.alerts.list({ organisationId: organisation, stationId, states, severities, first });
    return rows.map(AlertType.from);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => AlertType, { description: 'Says someone is on it (who and when are kept)' })
  async acknowledgeAlert(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<AlertType> {
    await ownAlert(context, id);
    return AlertType.from((await context.deps.alerts.acknowledge(id, (context.principal as Principal).id)) as AlertView);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => AlertType, {
    description: 'Resolves an alert by hand; if its condition still holds, the next sweep raises it again (acknowledge it instead)',
  })
  async resolveAlert(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<AlertType> {
    if (note && note.length > 255) throw badInput('note: expected at most 255 characters', 'note');
    await ownAlert(context, id);
    const actor = (context.principal as Principal).id;
    return AlertType.from((await context.deps.alerts.resolve(id, actor, note?.trim() || 'resolved by hand')) as AlertView);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => AlertSettingsType, { description: "An organisation's alert thresholds and on-call addresses" })
  async alertSettings(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<AlertSettingsType> {
    const organisation = await organisationFor(context, organisationId);
    return settingsOf(organisation, await context.deps.alerts.settings(organisation));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => AlertSettingsType, { description: 'Changes alert thresholds and on-call addresses; a bad value names its field' })
  async setAlertSettings(
    @Ctx() context: ApiContext,
    @Arg('input', () => AlertSettingsInput) input: AlertSettingsInput,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<AlertSettingsType> {
    const organisation = await organisationFor(context, organisationId);
    try {
      const thresholds = input.thresholds ? { ...input.thresholds } : undefined;
      const saved = await context.deps.alerts.setSettings(
        organisation,
        { thresholds, emails: input.emails },
        (context.principal as Principal).id,
      );
      return settingsOf(organisation, saved);
    } catch (error) {
      if (error instanceof AlertSettingsError) throw badInput(error.message, error.field);
      throw error;
    }
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @Subscription(() => AlertChange, { topics: 'alert.raised', filter: alertEvent, description: 'Alerts as they are raised' })
  alertRaised(@Root() event: AlertEvent, @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string) {
    return AlertChange.from(event);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:read')
  @Subscription(() => AlertChange, { topics: 'alert.resolved', filter: alertEvent, description: 'Alerts as they are resolved' })
  alertResolved(@Root() event: AlertEvent, @Arg('stationIdentity', () => String, { nullable: true }) _stationIdentity?: string) {
    return AlertChange.from(event);
  }
}
