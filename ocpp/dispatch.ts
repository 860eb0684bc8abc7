import type { Logger } from '../platform/logger.js';
import type { HandledVersion, Handler, HandlerContext, OcppDeps } from './handlers/define.js';
import type { CallDispatcher } from './rpc/connection.js';
import { ocppError } from './rpc/errors.js';
import type { StationConnection } from './station-connection.js';

/** Routes a station's CALLs to the handlers of its version. */
export function makeDispatcher(connection: StationConnection, handlers: Map<string, Handler>, deps: OcppDeps, log: Logger): CallDispatcher {
  // Not async: a handler that answers at once is answered in the same turn, and nothing here outlives the call.
  return (action, payload) => {
    const handler = handlers.get(action);
    if (!handler) throw ocppError('NotSupported', `${action} is not supported by this central system`);
    const status = connection.station.registrationStatus;
    if (status !== 'Accepted' && !handler.allowedBeforeAcceptance && !connection.wasTriggered(action)) {
      throw ocppError(
        'SecurityError',
        `the station is ${status}: only BootNotification, Heartbeat and triggered messages until it is accepted`,
      );
    }
    const context = { request: payload, station: connection, deps, log, receivedAt: new Date() } as unknown as HandlerContext<
      HandledVersion,
      never
    >;
    return handler.handle(context) as unknown as Record<string, unknown> | Promise<Record<string, unknown>>;
  };
}
