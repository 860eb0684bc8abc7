import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, type GraphQLError, type GraphQLSchema, getOperationAST, specifiedRules, validate } from 'graphql';
import { checkCost } from './cost.js';
import { refusal } from './errors.js';
import { checkVariables } from './input-check.js';
import { type QueryLimits, parseWithinLimits } from './limits.js';

/**
 * Cost and variables in Apollo's pipeline, for every request (a document Apollo has cached was parsed
 * and checked by parseWithinLimits the first time, and is checked again before Apollo sees it).
 * A refusal thrown from didResolveOperation leaves with its code and HTTP 400.
 */
export function queryGuardPlugin<T extends object>(limits: QueryLimits): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) checkCost(schema, document, operation, request.variables, limits);
          checkVariables(request.variables, limits.maxInputDepth);
        },
      };
    },
  };
}

/**
 * The same limits for graphql-ws, as its onSubscribe: the checked document and variables to execute, or
 * the errors to answer with.
 */
export function guardSubscription(
  schema: GraphQLSchema,
  limits: QueryLimits,
  payload: { query?: unknown; operationName?: string | null; variables?: Record<string, unknown> | null },
):
  | { document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null }
  | { errors: readonly GraphQLError[] } {
  const document = parseWithinLimits(payload.query, limits);
  const errors = validate(schema, document, specifiedRules);
  if (errors.length) return { errors };
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) throw refusal('BAD_USER_INPUT', 'no operation of that name in the document');
  checkCost(schema, document, operation, payload.variables ?? undefined, limits);
  checkVariables(payload.variables, limits.maxInputDepth);
  return { document, operationName: payload.operationName, variableValues: payload.variables };
}
