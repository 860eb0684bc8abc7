import type { Principal } from '../auth/principal.js';
import { failureKind, type Request, type Response, type SendOptions } from '../commands/station-commands.js';
import type { V16CsmsAction } from '../ocpp/generated/v16.js';
import { OcppError } from '../commands/errors.js';
import { validatorFor } from '../ocpp/rpc/validator.js';
import type { Station } from '../schema/entities/index.js';
import type { ApiContext } from './context.js';
import { ApiError, badInput } from './errors.js';
import { visibleStation } from './visible.js';

/** The audit's "who": the user or API key asking. */
export const actorOf = (context: ApiContext): string => (context.principal as Principal).id;

/** What a command needs: a station the caller may see (else not found), and the caller as actor. */
export async function commandTarget(context: ApiContext, identity: string): Promise<{ station: Station; options: SendOptions }> {
  const station = await visibleStation(context, { identity });
  return { station, options: { actor: actorOf(context) } };
}

/** Checks a command against the OCPP 1.6 schema before it goes out: a bad field is the caller's error, not the station's. */
export function checkCommand(action: V16CsmsAction, payload: unknown): void {
  try {
    validatorFor('ocpp1.6').checkOutgoing(action, 'request', payload);
  } catch (error) {
    if (error instanceof OcppError) throw badInput(`${action}: ${error.message}`);
    throw error;
  }
}

/** A failed command as the API reports it: offline, timed out, or refused by the station. */
export function commandError(identity: string, action: string, error: unknown): unknown {
  const kind = failureKind(error);
  const message = (error as Error).message;
  if (kind === 'offline') return new ApiError('STATION_OFFLINE', `station ${identity} is not connected`);
  if (kind === 'timeout') return new ApiError('STATION_TIMEOUT', `station ${identity} did not answer ${action} in time`);
  if (kind === 'error' || kind === 'unsupported-version') return error;
  return new ApiError('STATION_REJECTED', `station ${identity} refused ${action}: ${kind}${message ? ` (${message})` : ''}`, {
    ocppError: kind,
  });
}

/** Runs a command's work and turns its failure into the API's codes. */
export async function commanding<T>(identity: string, action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw commandError(identity, action, error);
  }
}

/** Sends one command on behalf of the caller: the station visible to them, the payload checked, the caller audited. */
export async function sendAs<A extends V16CsmsAction>(
  context: ApiContext,
  identity: string,
  action: A,
  payload: Request<A>,
): Promise<Response<A>> {
  const { options } = await commandTarget(context, identity);
  checkCommand(action, payload);
  return commanding(identity, action, () => context.deps.stationCommands.send(identity, action, payload, options));
}
