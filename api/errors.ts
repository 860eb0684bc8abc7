import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The stable `extensions.code` values clients can rely on. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'STATION_OFFLINE'
  | 'STATION_TIMEOUT'
  | 'STATION_REJECTED'
  | 'CREDENTIAL_REFUSED'
  | 'INSUFFICIENT_FUNDS'
  | 'PAYMENT_DECLINED'
  | 'PROTOCOL_NOT_SUPPORTED'
  | 'QUERY_TOO_COMPLEX'
  | 'QUERY_TOO_LARGE'
  | 'TOO_MANY_ALIASES'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

/** A request refused before it runs (a limit, bad input): a stable code, and HTTP 400 over HTTP. */
export const refusal = (code: ApiErrorCode, message: string) => new ApiError(code, message, { http: { status: 400 } });

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, field?: string) => new ApiError('BAD_USER_INPUT', message, field ? { field } : {});

/** Domain errors carry a `code`; this one table turns them into API codes. */
const byDomainCode: Record<string, ApiErrorCode> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  PROTOCOL_NOT_SUPPORTED: 'PROTOCOL_NOT_SUPPORTED',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  StationOffline: 'STATION_OFFLINE',
  Timeout: 'STATION_TIMEOUT',
};

const passThrough = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface FormatOptions {
  development: boolean;
  /** Where an unexpected error goes, whole: the client gets only "internal error". */
  log?: { error(details: object, message: string): void };
}

/** Every error leaves with a stable code; unknown failures say nothing of their internals, in any mode. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, options: FormatOptions): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (original instanceof ApiError) {
    const { http: _http, ...extensions } = original.extensions;
    return { ...formatted, extensions };
  }
  const domainCode = (original as { code?: unknown })?.code;
  if (typeof domainCode === 'string' && byDomainCode[domainCode]) {
    return {
      message: (original as Error).message,
      locations: formatted.locations,
      path: formatted.path,
      // A domain error may carry details for clients (retryAfter, field); never a stack or internals.
      extensions: { ...(original as { details?: Record<string, unknown> }).details, code: byDomainCode[domainCode] },
    };
  }
  if ((original as Error)?.name === 'OcppCallError' || (original as Error)?.name?.startsWith('Ocpp')) {
    return {
      message: (original as Error).message || 'the station refused the command',
      path: formatted.path,
      extensions: { code: 'STATION_REJECTED' },
    };
  }
  // Errors graphql-js or Apollo made about the request itself (syntax, validation): their message is for the client.
  if (code && passThrough.has(code) && !(original instanceof Error && !(original instanceof GraphQLError)))
    return options.development ? formatted : { ...formatted, extensions: { code } };
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return { ...formatted, extensions: { code } };
  options.log?.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** The same formatting for errors sent over graphql-ws, which has no formatter of its own. */
export function formatForSocket(errors: readonly unknown[], options: FormatOptions): GraphQLError[] {
  return errors.map((error) => {
    const graphqlError =
      error instanceof GraphQLError
        ? error
        : new GraphQLError(String((error as Error)?.message ?? error), { originalError: error as Error });
    const formatted = formatError(graphqlError.toJSON(), graphqlError, options);
    return new GraphQLError(formatted.message, { extensions: formatted.extensions });
  });
}
