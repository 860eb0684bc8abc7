import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { V16CsmsAction, V16Messages } from '../ocpp/generated/v16.js';
import { OcppCallError, OcppError, type OcppVersion, OcppTimeoutError, StationNotAcceptedError, StationOfflineError } from './errors.js';
import { Station } from '../schema/entities/index.js';
import type { Logger } from '../platform/logger.js';
import type { CommandRouter } from './router.js';

export type Request<A extends V16CsmsAction> = V16Messages[A]['request'];
export type Response<A extends V16CsmsAction> = V16Messages[A]['response'];

export interface SendOptions {
  /** Who asked, for the audit: a user or API key id; "system" by default. */
  actor?: string;
  timeoutMs?: number;
}

export class UnknownStationError extends Error {
  readonly code = 'NOT_FOUND';
}

/** The station speaks a protocol version evcms has no commands for yet: it gets nothing rather than a 1.6 frame. */
export class UnsupportedVersionError extends Error {
  readonly code = 'PROTOCOL_NOT_SUPPORTED';
}

/** The versions evcms sends commands in. A 2.0.1 station is refused until its commands are written. */
const commandVersions: readonly OcppVersion[] = ['ocpp1.6'];

/**
 * The protocol a station's commands go out in, from the version its last BootNotification recorded ("1.6",
 * "2.0.1"; the gateway records the negotiated subprotocol). A station that never booted is taken as 1.6,
 * the only version the gateway accepts today.
 */
export function commandVersion(ocppVersion: string | null | undefined): OcppVersion {
  const version = `ocpp${(ocppVersion ?? '1.6').trim().toLowerCase().replace(/^ocpp/, '')}` as OcppVersion;
  if (!commandVersions.includes(version)) {
    throw new UnsupportedVersionError(`OCPP ${version.slice(4)} is not supported yet for commands (this station speaks it)`);
  }
  return version;
}

/** The request as the audit keeps it: the station's password (AuthorizationKey) is never kept in the clear. */
function audited(action: V16CsmsAction, payload: unknown): unknown {
  const change = payload as { key?: unknown };
  return action === 'ChangeConfiguration' && change.key === 'AuthorizationKey' ? { ...change, value: '(set)' } : payload;
}

/** Why a command failed, in one word for the audit and the API. */
export function failureKind(error: unknown): string {
  if (error instanceof StationOfflineError) return 'offline';
  if (error instanceof OcppTimeoutError) return 'timeout';
  if (error instanceof StationNotAcceptedError) return 'not-accepted';
  if (error instanceof OcppCallError) return error.wire;
  if (error instanceof OcppError) return 'invalid';
  if (error instanceof UnsupportedVersionError) return 'unsupported-version';
  return 'error';
}

/**
 * Typed OCPP commands to stations, from any part of the system, in the version each station speaks (only 1.6
 * today: a station on another gets UnsupportedVersionError, audited, and no frame). Every command is audited
 * (command_log) and announced (`command.result`), whatever its outcome.
 */
export class StationCommands {
  constructor(private readonly deps: { router: CommandRouter; orm: Orm; events: EventBus; log: Logger }) {}

  async send<A extends V16CsmsAction>(identity: string, action: A, payload: Request<A>, options: SendOptions = {}): Promise<Response<A>> {
    const em = this.deps.orm.em.fork();
    const station = await em.findOne(Station, { identity }, { fields: ['id', 'identity', 'ocppVersion'] });
    if (!station) throw new UnknownStationError(`no station "${identity}"`);
    const requestedAt = new Date();
    let response: Response<A> | null = null;
    let failure: unknown = null;
    try {
      commandVersion(station.ocppVersion);
      response = (await this.deps.router.send(identity, action, payload, options.timeoutMs)) as Response<A>;
      return response;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const completedAt = new Date();
      const outcome = failure ? failureKind(failure) : 'ok';
      const message = failure ? (failure as Error).message : null;
      await em
        .getConnection()
        .execute(
          `insert into command_log (station_id, action, request, response, outcome, error, actor, requested_at, completed_at)
           values (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)`,
          [
            station.id,
            action,
            JSON.stringify(audited(action, payload)),
            response === null ? null : JSON.stringify(response),
            outcome,
            message,
            options.actor ?? 'system',
            requestedAt.toISOString(),
            completedAt.toISOString(),
          ],
        )
        .catch((error: unknown) => this.deps.log.error({ err: error, identity, action }, 'could not audit a command'));
      // Announced, not awaited: the caller has its answer whether or not Redis takes the event now.
      void this.deps.events
        .publish('command.result', {
          stationId: station.id,
          identity,
          action,
          status: failure ? 'error' : 'ok',
          response,
          error: message,
          at: completedAt.toISOString(),
        })
        .catch(() => {});
    }
  }
}
