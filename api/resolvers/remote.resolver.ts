import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { remoteStart } from '../../commands/remote-start.js';
import { remoteStop } from '../../commands/remote-stop.js';
import type { Request } from '../../commands/station-commands.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput } from '../errors.js';
import { AvailabilityTypeValue, ResetTypeValue, TriggerableMessage } from '../inputs/command.input.js';
import { checkCommand, commandTarget, commanding, sendAs } from '../remote.js';
import { CommandResultType, RemoteStartResultType, RemoteStopResultType } from '../types/command.type.js';
import { JSONScalar } from '../types/json.scalar.js';
import { visibleSession } from './session.resolver.js';

type TxProfile = NonNullable<Request<'RemoteStartTransaction'>['chargingProfile']>;

/** A remote start's profile: the RemoteStartTransaction.req schema's, and a TxProfile (OCPP 1.6 §5.11). */
function checkStartProfile(request: { chargingProfile?: unknown }): void {
  if (!('chargingProfile' in request)) return;
  try {
    checkCommand('RemoteStartTransaction', request);
  } catch (error) {
    throw badInput(`chargingProfile: ${(error as Error).message}`, 'chargingProfile');
  }
  const purpose = (request.chargingProfile as TxProfile).chargingProfilePurpose;
  if (purpose !== 'TxProfile') throw badInput(`chargingProfile: a remote start takes a TxProfile; got ${purpose}`, 'chargingProfile');
}

/**
 * The credential decides before the station is asked, as Authorize would: a station that accepts a remote start
 * for a blocked, expired or unknown idTag starts charging and is told DeAuthorized only afterwards.
 */
async function checkCredential(context: ApiContext, idTag: string, stationId: string): Promise<void> {
  const decision = await context.deps.authorization.check(idTag, { purpose: 'RemoteStart', stationId });
  const status = decision.idTagInfo.status;
  if (status === 'Accepted') return;
  throw new ApiError('CREDENTIAL_REFUSED', `idTag ${idTag}: the credential is ${status} (${decision.reason})`, {
    authorizationStatus: status,
  });
}

const waitMs = (context: ApiContext) => context.deps.config.OCPP_CALL_TIMEOUT * 1000;

/** Remote operations on a station, answered with the station's answer; audited with the caller as actor. */
@Resolver()
export class RemoteResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => RemoteStartResultType, { description: 'Starts a session for an idTag and waits for the station to start it' })
  async remoteStart(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('idTag', () => String) idTag: string,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
    @Arg('chargingProfile', () => JSONScalar, {
      nullable: true,
      description: 'A TxProfile for the session (the chargingProfile of RemoteStartTransaction.req, checked against the schema)',
    })
    chargingProfile?: unknown,
  ): Promise<RemoteStartResultType> {
    const { station, options } = await commandTarget(context, stationIdentity);
    const request = {
      idTag,
      ...(connectorId === undefined || connectorId === null ? {} : { connectorId }),
      ...(chargingProfile === undefined || chargingProfile === null ? {} : { chargingProfile: chargingProfile as TxProfile }),
    };
    checkStartProfile(request);
    checkCommand('RemoteStartTransaction', request);
    if (request.connectorId === 0) throw badInput('connectorId: a session starts on a connector (1 or more)', 'connectorId');
    await checkCredential(context, idTag, station.id);
    const deps = { commands: context.deps.stationCommands, events: context.deps.events };
    const result = await commanding(stationIdentity, 'RemoteStartTransaction', () =>
      remoteStart(deps, stationIdentity, request, { ...options, waitForSessionMs: waitMs(context) }),
    );
    const session = result.sessionId === null ? null : await visibleSession(context, result.sessionId);
    return Object.assign(new RemoteStartResultType(), {
      status: result.status,
      sessionId: result.sessionId,
      ocppTransactionId: result.transactionId,
      session,
    });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => RemoteStopResultType, { description: 'Stops a session and waits for the station to end it' })
  async remoteStop(@Ctx() context: ApiContext, @Arg('sessionId', () => ID) sessionId: string): Promise<RemoteStopResultType> {
    const open = await visibleSession(context, sessionId);
    const stationIdentity = open.stationIdentity;
    const { options } = await commandTarget(context, stationIdentity);
    if (open.state !== 'Active') throw new ApiError('CONFLICT', `session ${sessionId} has ended already`);
    const deps = { commands: context.deps.stationCommands, events: context.deps.events };
    const target = { sessionId, transactionId: open.ocppTransactionId };
    const result = await commanding(stationIdentity, 'RemoteStopTransaction', () =>
      remoteStop(deps, stationIdentity, target, { ...options, waitForEndMs: waitMs(context) }),
    );
    context.em.clear();
    return Object.assign(new RemoteStopResultType(), { ...result, session: await visibleSession(context, sessionId) });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Reset: SOFT stops sessions and restarts the software, HARD reboots' })
  async resetStation(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('type', () => ResetTypeValue) type: ResetTypeValue,
  ): Promise<CommandResultType> {
    return CommandResultType.of('Reset', await sendAs(context, stationIdentity, 'Reset', { type }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Releases the cable of a connector' })
  async unlockConnector(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int) connectorId: number,
  ): Promise<CommandResultType> {
    return CommandResultType.of('UnlockConnector', await sendAs(context, stationIdentity, 'UnlockConnector', { connectorId }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Makes a connector (0: the whole station) operative or inoperative' })
  async changeAvailability(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int) connectorId: number,
    @Arg('type', () => AvailabilityTypeValue) type: AvailabilityTypeValue,
  ): Promise<CommandResultType> {
    return CommandResultType.of('ChangeAvailability', await sendAs(context, stationIdentity, 'ChangeAvailability', { connectorId, type }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: "Clears the station's authorization cache" })
  async clearCache(@Ctx() context: ApiContext, @Arg('stationIdentity', () => String) stationIdentity: string): Promise<CommandResultType> {
    return CommandResultType.of('ClearCache', await sendAs(context, stationIdentity, 'ClearCache', {}));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, {
    description: 'Asks the station to send a message now (a BootNotification, a StatusNotification, ...)',
  })
  async triggerMessage(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('requestedMessage', () => TriggerableMessage) requestedMessage: TriggerableMessage,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
  ): Promise<CommandResultType> {
    const request = { requestedMessage, ...(connectorId === undefined || connectorId === null ? {} : { connectorId }) };
    return CommandResultType.of('TriggerMessage', await sendAs(context, stationIdentity, 'TriggerMessage', request));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'A vendor-specific message' })
  async dataTransfer(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('vendorId', () => String) vendorId: string,
    @Arg('messageId', () => String, { nullable: true }) messageId?: string,
    @Arg('data', () => String, { nullable: true }) data?: string,
  ): Promise<CommandResultType> {
    const request = { vendorId, ...(messageId ? { messageId } : {}), ...(data !== undefined && data !== null ? { data } : {}) };
    return CommandResultType.of('DataTransfer', await sendAs(context, stationIdentity, 'DataTransfer', request));
  }
}
