import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../platform/logger.js';
import type { ApiContext } from './context.js';
import { ApiError, type FormatOptions, formatError } from './errors.js';
import { parseOptions, parseWithinLimits, type QueryLimits } from './limits.js';
import { queryGuardPlugin } from './query-guard.js';

/** Apollo for queries and mutations over HTTP: the query limits, the error format, no landing page, no stack traces. */
export async function startApollo(
  schema: GraphQLSchema,
  limits: QueryLimits,
  formatting: FormatOptions,
  log: Logger,
): Promise<ApolloServer<ApiContext>> {
  const apollo = new ApolloServer<ApiContext>({
    schema,
    parseOptions: parseOptions(limits),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, formatting),
    // No cache hints in this schema: without the cache-control plugin, Apollo does not wrap every field's resolver.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), queryGuardPlugin(limits)],
    logger: { debug: () => {}, info: () => {}, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  await apollo.start();
  return apollo;
}

/** The limits up to the document's shape, before Apollo parses and validates it; the refusal, if any. */
export function checkDocument(body: unknown, url: URL, limits: QueryLimits): ApiError | null {
  const query = body && typeof body === 'object' ? (body as { query?: unknown }).query : url.searchParams.get('query');
  if (typeof query !== 'string' || !query) return null; // Apollo says what is missing
  try {
    parseWithinLimits(query, limits);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error;
    return null; // a syntax error: Apollo reports it, with its location
  }
}
