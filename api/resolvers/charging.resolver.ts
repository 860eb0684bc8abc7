import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { remoteStart } from '../../commands/remote-start.js';
import { remoteStop } from '../../commands/remote-stop.js';
import { ChargingSession } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput } from '../errors.js';
import { ChargingSessionType } from '../types/session.type.js';
import { visibleSession } from './session.resolver.js';
import { visibleStation } from '../visible.js';

const refusals: Record<string, string> = {
  Blocked: 'your app credential is blocked',
  Expired: 'your app credential has expired',
  Invalid: 'your app credential is not valid',
  ConcurrentTx: 'you already have as many sessions open as you may',
};

/** A start paid by card (billing/payments/card-holds/): the hold first, the station only once it is authorised. */
function startOnCard(
  context: ApiContext,
  station: { id: string; identity: string; organisation?: { id: string } | null },
  token: { id: string; value: string },
  asked: { connectorId?: number; paymentMethodId?: string; idempotencyKey?: string },
  start: () => Promise<{ status: 'Accepted' | 'Rejected'; sessionId: string | null }>,
) {
  const organisationId = station.organisation?.id;
  if (!organisationId) throw new ApiError('CONFLICT', `station ${station.identity} belongs to no operator to pay`);
  const principal = context.principal as Principal;
  const input = {
    userId: principal.id,
    organisationId,
    stationId: station.id,
    identity: station.identity,
    connectorId: asked.connectorId ?? null,
    idTag: token.value,
    idTokenId: token.id,
    methodId: asked.paymentMethodId ?? null,
    idempotencyKey: asked.idempotencyKey ?? null,
  };
  return context.deps.cardHolds.startOnCard(input, start);
}

/**
 * Drivers' charging from the app: a remote start with the driver's app credential that answers with the
 * session the station started, and a remote stop that answers once the session ended.
 * Failures say where they happened: STATION_OFFLINE, STATION_TIMEOUT, STATION_REJECTED.
 */
@Resolver()
export class ChargingResolver {
  @Authorized('DRIVER')
  @Mutation(() => ChargingSessionType, {
    description: 'Starts charging with your app credential; returns the session once the station started it',
  })
  async startCharging(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
    @Arg('payByCard', () => Boolean, {
      nullable: true,
      description:
        "Pay this session by card: your card is held for the tariff's hold amount first (the station starts only if it is authorised), the bill is captured from the hold, and the session is stopped before it would cost more",
    })
    payByCard?: boolean,
    @Arg('paymentMethodId', () => String, {
      nullable: true,
      description: 'With payByCard: the saved card to hold; absent, your default card',
    })
    paymentMethodId?: string,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'With payByCard: a retry with the same key is the same hold and start',
    })
    idempotencyKey?: string,
  ): Promise<ChargingSessionType> {
    const { deps } = context;
    const principal = context.principal as Principal;
    if (connectorId !== undefined && connectorId !== null && (connectorId < 1 || connectorId > 65_535)) {
      throw badInput('connectorId: expected 1 to 65535 (or none: the station picks)', 'connectorId');
    }
    const station = await visibleStation(context, { identity: stationIdentity });
    const retried = payByCard && idempotencyKey ? await deps.cardHolds.startedBefore(principal.id, idempotencyKey) : null;
    if (retried)
      return ChargingSessionType.from(await context.em.findOneOrFail(ChargingSession, { id: retried }, { populate: ['station'] }));
    const token = await deps.idTokens.appTokenOf(principal.id);
    const decision = await deps.authorization.check(token.value, { purpose: 'RemoteStart', stationId: station.id });
    const status = decision.idTagInfo.status;
    if (status !== 'Accepted') {
      throw new ApiError('FORBIDDEN', `cannot start: ${refusals[status] ?? decision.reason}`, { authorizationStatus: status });
    }
    const waitSeconds = deps.config.REMOTE_SESSION_TIMEOUT;
    const start = () =>
      remoteStart(
        { commands: deps.stationCommands, events: deps.events },
        station.identity,
        { idTag: token.value, ...(connectorId ? { connectorId } : {}) },
        { actor: principal.id, waitForSessionMs: waitSeconds * 1000 },
      );
    const started = payByCard
      ? await startOnCard(context, station, token, { connectorId, paymentMethodId, idempotencyKey }, start)
      : await start();
    if (started.status !== 'Accepted') throw new ApiError('STATION_REJECTED', `station ${station.identity} refused to start charging`);
    if (started.sessionId === null) {
      throw new ApiError('STATION_TIMEOUT', `station ${station.identity} accepted but started no session within ${waitSeconds} s`);
    }
    const session = await context.em.findOneOrFail(ChargingSession, { id: started.sessionId }, { populate: ['station'] });
    return ChargingSessionType.from(session);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:commands:write')
  @Mutation(() => ChargingSessionType, {
    description: 'Stops a session (drivers: their own); returns it once the station ended it. A session already ended is returned as is',
  })
  async stopCharging(@Ctx() context: ApiContext, @Arg('sessionId', () => ID) sessionId: string): Promise<ChargingSessionType> {
    const { deps } = context;
    // Drivers act on sessions of their own credentials, operators and partners on their stations'.
    const session = await visibleSession(context, sessionId);
    if (session.state !== 'Active') return session;
    const identity = session.stationIdentity;
    const waitSeconds = deps.config.REMOTE_SESSION_TIMEOUT;
    const target = { sessionId: session.id, transactionId: session.ocppTransactionId };
    const stopped = await remoteStop({ commands: deps.stationCommands, events: deps.events }, identity, target, {
      actor: (context.principal as Principal).id,
      waitForEndMs: waitSeconds * 1000,
    });
    if (stopped.status !== 'Accepted') throw new ApiError('STATION_REJECTED', `station ${identity} refused to stop session ${sessionId}`);
    if (!stopped.ended)
      throw new ApiError('STATION_TIMEOUT', `station ${identity} accepted but did not end the session within ${waitSeconds} s`);
    return ChargingSessionType.from(await context.em.fork().findOneOrFail(ChargingSession, { id: session.id }, { populate: ['station'] }));
  }
}
