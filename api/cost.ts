import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { refusal } from './errors.js';
import type { QueryLimits } from './limits.js';

/**
 * Depth and cost of one operation, fragments followed: every field costs 1, a list field its page size
 * (`first`/`last`, literal or variable, else a default) times its children. Throws QUERY_TOO_COMPLEX.
 * The recursion is bounded: checkShape has refused documents nested deeper than the depth limit.
 */
export function checkCost(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const pageSize = (value: ValueNode | undefined): number | null => {
    const given = value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : null;
    return typeof given === 'number' && Number.isInteger(given) && given >= 0 ? given : null;
  };
  // Relative depth (levels of fields below) and cost of a selection set; each fragment is measured once,
  // so fragments spread many times in many fragments cost linear time, not exponential.
  const measured = new Map<string, Measure>();
  const measure = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): Measure => {
    let depth = 0;
    let cost = 0;
    for (const selection of set?.selections ?? []) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const first = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        const size = pageSize(first?.value) ?? (selection.selectionSet ? defaultSize(selection.name.value) : 1);
        const below = measure(selection.selectionSet, seen);
        inner = { depth: below.depth + 1, cost: 1 + size * below.cost };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        if (seen.has(name)) continue; // a cycle: validation refuses it
        inner = measured.get(name) ?? measure(fragments.get(name)?.selectionSet, new Set([...seen, name]));
        measured.set(name, inner);
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
    return { depth, cost };
  };
  const { depth, cost } = measure(operation.selectionSet, new Set());
  if (depth > limits.maxDepth) throw refusal('QUERY_TOO_COMPLEX', `query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
  if (cost > limits.maxCost) throw refusal('QUERY_TOO_COMPLEX', `query cost ${cost} exceeds the limit of ${limits.maxCost}`);
}

// A connection without `first` counts as a default page (20); its edges and nodes are that page, not
// another multiple; other plural fields count as 10. (Guessed from names: graphql-query-complexity,
// with estimators declared on the schema's fields, is the later replacement.)
interface Measure {
  depth: number;
  cost: number;
}

function defaultSize(name: string): number {
  if (name === 'edges' || name === 'nodes' || name === 'pageInfo') return 1;
  if (/(s|History|history)$/.test(name)) return name.endsWith('Connection') ? 20 : 10;
  return 1;
}
