import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getNullableType,
  isListType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ApiError, refusal } from './errors.js';
import type { QueryLimits } from './limits.js';

/** A list without `first`/`last` counts as this many items (the pages the API serves by default are 20). */
const UNPAGED_LIST_SIZE = 10;

/**
 * A field with `first`/`last` (literal, variable or the argument's default) costs 1 + that page size times
 * its children; a list without them 1 + 10 times its children, except a connection's `edges`/`nodes`,
 * which are the page already counted. Other fields fall through to a declared `complexity` or 1 + children.
 */
const pageEstimator: ComplexityEstimator = ({ args, field, type, childComplexity }) => {
  const size = args.first ?? args.last;
  if (typeof size === 'number' && Number.isInteger(size)) return 1 + Math.max(0, size) * childComplexity;
  if (!isListType(getNullableType(field.type))) return undefined;
  return type.name.endsWith('Connection') ? 1 + childComplexity : 1 + UNPAGED_LIST_SIZE * childComplexity;
};

/**
 * Depth and cost of one operation, refused as QUERY_TOO_COMPLEX. The cost is graphql-query-complexity's,
 * with the estimators above, on the schema and the request's variables. That library walks every spread
 * of every fragment, so a document of fragments that double at each level would take it exponential
 * time: a linear pass (each fragment measured once) first refuses an expansion over `maxFields`.
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): void {
  const { depth, fields } = measureExpansion(document, operation);
  if (depth > limits.maxDepth) throw refusal('QUERY_TOO_COMPLEX', `query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
  if (fields > limits.maxFields)
    throw refusal('QUERY_TOO_COMPLEX', `the query expands to ${fields} fields, over the limit of ${limits.maxFields}`);
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Variables that do not fit their types: the same words graphql-js would answer with.
    throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (cost > limits.maxCost) throw refusal('QUERY_TOO_COMPLEX', `query cost ${cost} exceeds the limit of ${limits.maxCost}`);
}

interface Expansion {
  depth: number;
  fields: number;
}

/** Levels of fields and fields selected once every fragment is spread, each fragment measured once. */
export function measureExpansion(document: DocumentNode, operation: OperationDefinitionNode): Expansion {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Expansion>();
  // The recursion is bounded: checkShape has refused documents nested deeper than the depth limit.
  const measure = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): Expansion => {
    let depth = 0;
    let fields = 0;
    for (const selection of set?.selections ?? []) {
      let inner: Expansion;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const below = measure(selection.selectionSet, seen);
        inner = { depth: below.depth + 1, fields: below.fields + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        if (seen.has(name)) continue; // a cycle: validation refuses it
        inner = measured.get(name) ?? measure(fragments.get(name)?.selectionSet, new Set([...seen, name]));
        measured.set(name, inner);
      }
      depth = Math.max(depth, inner.depth);
      fields += inner.fields;
    }
    return { depth, fields };
  };
  return measure(operation.selectionSet, new Set());
}
