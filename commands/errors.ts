/**
 * The errors of talking to a station, as the command code and the API see them: a station offline or not
 * accepted, a call that got no answer in time, and a CALLERROR (ours or the station's) under one base class.
 * The gateway's RPC layer (ocpp/rpc/errors.ts) throws these and re-exports them; nothing here knows a socket.
 */

/** OCPP-J protocol versions evcms speaks, by WebSocket subprotocol name. */
export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1';

/** Error codes, named once; `wireCode` spells them per version. */
export type OcppErrorCode =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormationViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'RpcFrameworkError'
  | 'MessageTypeNotSupported';

/** Reads a code sent by a peer, accepting either version's spelling. */
export function readWireCode(code: string): OcppErrorCode | undefined {
  const aliases: Record<string, OcppErrorCode> = {
    OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
    FormatViolation: 'FormationViolation',
  };
  const known: OcppErrorCode[] = [
    'NotImplemented',
    'NotSupported',
    'InternalError',
    'ProtocolError',
    'SecurityError',
    'FormationViolation',
    'PropertyConstraintViolation',
    'OccurrenceConstraintViolation',
    'TypeConstraintViolation',
    'GenericError',
    'RpcFrameworkError',
    'MessageTypeNotSupported',
  ];
  return (Object.hasOwn(aliases, code) ? aliases[code] : undefined) ?? known.find((k) => k === code);
}

/** The base of every error that leaves as a CALLERROR; its message is the wire description. */
export class OcppError extends Error {
  constructor(
    readonly code: OcppErrorCode,
    message = '',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = `Ocpp${code}`;
  }
}

/** A CALLERROR a station answered to one of our calls. */
export class OcppCallError extends OcppError {
  constructor(
    readonly wire: string,
    message: string,
    details: Record<string, unknown>,
  ) {
    super(readWireCode(wire) ?? 'GenericError', message, details);
  }
}

/** Our call got no answer in time. */
export class OcppTimeoutError extends Error {
  readonly code = 'Timeout';
}

/** The station is not connected (or its socket went away before it answered). */
export class StationOfflineError extends Error {
  readonly code = 'StationOffline';
}

/** The command is not one a station in its registration status may get (OCPP 1.6: no remote start or stop while Pending). */
export class StationNotAcceptedError extends Error {
  readonly code = 'StationNotAccepted';
}
