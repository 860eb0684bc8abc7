import { type ASTVisitor, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Depth and cost limits: a list field costs its page size (`first`, default 20) times its children. */
export function queryLimits(options: { maxDepth: number; maxCost: number }) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measure = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): { depth: number; cost: number } => {
      if (!set) return { depth, cost: 0 };
      let deepest = depth;
      let cost = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          const first = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
          const size =
            first?.value.kind === Kind.INT ? Number(first.value.value) : selection.selectionSet ? defaultSize(selection.name.value) : 1;
          const inner = measure(selection.selectionSet, depth + 1, seen);
          deepest = Math.max(deepest, inner.depth);
          cost += 1 + size * inner.cost;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(selection.selectionSet, depth, seen);
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          const inner = measure(fragments.get(name)?.selectionSet, depth, new Set([...seen, name]));
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        }
      }
      return { depth: deepest, cost };
    };
    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, 0, new Set());
        if (depth > options.maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${depth} exceeds the limit of ${options.maxDepth}`, {
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        } else if (cost > options.maxCost) {
          context.reportError(
            new GraphQLError(`query cost ${cost} exceeds the limit of ${options.maxCost}`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }),
          );
        }
      },
    };
  };
}

// A connection without `first` counts as a default page (20); its edges and nodes are that page, not
// another multiple; other plural fields count as 10.
function defaultSize(name: string): number {
  if (name === 'edges' || name === 'nodes' || name === 'pageInfo') return 1;
  if (/(s|History|history)$/.test(name)) return name.endsWith('Connection') ? 20 : 10;
  return 1;
}
