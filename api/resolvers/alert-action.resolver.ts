import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { type Principal, seesOrganisation } from '../../auth/principal.js';
import { AlertActionError, type AlertActionRecord, actOnAlert, actionsOf } from '../../alerts/actions.js';
import type { AlertView } from '../../alerts/service.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { actorOf, commanding } from '../remote.js';
import { perRequest } from '../request-loader.js';
import { AlertActionEntryType, AlertActionResultType, AlertActionValue } from '../types/alert-action.type.js';
import { AlertType } from '../types/alert.type.js';
import { CommandResultType } from '../types/command.type.js';

/** One query per request for the actions of every alert listed. */
const actionLoader = perRequest<string, AlertActionRecord[]>(async (context, ids) => {
  const byAlert = await actionsOf(context.deps.orm, ids);
  return ids.map((id) => byAlert.get(id) ?? []);
});

/** From an alert, one call to act on its station: the command goes out through the station commands, recorded on the alert. */
@Resolver(() => AlertType)
export class AlertActionResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => AlertActionResultType, {
    description:
      "Sends a command to the alert's station (its connector, or the one given) and records it on the alert, which it acknowledges",
  })
  async actOnAlert(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('action', () => AlertActionValue) action: AlertActionValue,
    @Arg('connectorId', () => Int, { nullable: true, description: "Instead of the alert's connector" }) connectorId?: number,
  ): Promise<AlertActionResultType> {
    const alert = isUuid(id) ? await context.deps.alerts.find(id) : null;
    if (!alert || !seesOrganisation(context.principal as Principal, alert.organisationId)) throw notFound(`alert ${id}`);
    if (connectorId !== undefined && connectorId !== null && (connectorId < 0 || connectorId > 65_535))
      throw badInput('connectorId: expected 0 to 65535', 'connectorId');
    const deps = { orm: context.deps.orm, commands: context.deps.stationCommands, alerts: context.deps.alerts };
    const taken = await commanding(alert.stationIdentity, action, () =>
      actOnAlert(deps, alert, action, actorOf(context), connectorId),
    ).catch((error: unknown) => {
      if (error instanceof AlertActionError) throw badInput(error.message, error.field);
      throw error;
    });
    return Object.assign(new AlertActionResultType(), {
      alert: AlertType.from((await context.deps.alerts.find(id)) as AlertView),
      command: CommandResultType.of(taken.ocppAction, taken.response),
    });
  }

  @Authorized('ADMIN', 'OPERATOR')
  @FieldResolver(() => [AlertActionEntryType], { description: 'Commands sent from this alert, oldest first (staff only)' })
  async actions(@Root() alert: AlertType, @Ctx() context: ApiContext): Promise<AlertActionEntryType[]> {
    return (await actionLoader(context).load(alert.id)).map(AlertActionEntryType.from);
  }
}
