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
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL_SERVER_ERROR';

export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, field?: string) => new ApiError('BAD_USER_INPUT', message, field ? { field } : {});

/** Domain errors carry a `code`; this one table turns them into API codes. */
const byDomainCode: Record<string, ApiErrorCode> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
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

/** Every error leaves with a stable code; unknown failures say nothing of their internals. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, options: { development: boolean }): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (original instanceof ApiError) return { ...formatted, extensions: { ...original.extensions } };
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
  if (/^query (depth|cost) \d+ exceeds the limit/.test(formatted.message))
    return { message: formatted.message, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  if (code && passThrough.has(code)) return options.development ? formatted : { ...formatted, extensions: { code } };
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return { ...formatted, extensions: { code } };
  if (options.development) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
  return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
