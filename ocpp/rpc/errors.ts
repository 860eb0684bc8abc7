import { OcppError, type OcppErrorCode, type OcppVersion } from '../../commands/errors.js';

export type { OcppVersion };

// The station errors live with the commands (protocol-neutral); the RPC layer throws them under these names.
export {
  type OcppErrorCode,
  OcppCallError,
  OcppError,
  OcppTimeoutError,
  readWireCode,
  StationNotAcceptedError,
  StationOfflineError,
} from '../../commands/errors.js';

/** How each version spells a code on the wire (1.6 misspells one and names another differently). */
export function wireCode(version: OcppVersion, code: OcppErrorCode): string {
  if (version === 'ocpp1.6') {
    if (code === 'OccurrenceConstraintViolation') return 'OccurenceConstraintViolation';
    if (code === 'RpcFrameworkError') return 'FormationViolation';
    if (code === 'MessageTypeNotSupported') return 'NotSupported';
    return code;
  }
  if (code === 'FormationViolation') return 'FormatViolation';
  return code;
}

export const ocppError = (code: OcppErrorCode, message = '', details: Record<string, unknown> = {}) =>
  new OcppError(code, message.slice(0, 255), details);

/**
 * A valid CALL that evcms cannot decide now because a service it needs (PostgreSQL, Redis) is away: a
 * CALLERROR (GenericError, never InternalError) that the charger's own retry rules handle.
 */
export const unavailable = (service: string) =>
  ocppError('GenericError', `${service} is unavailable at the moment: retry later`, { retry: true });
