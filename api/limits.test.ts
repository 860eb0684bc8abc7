import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkCost } from './cost.js';
import { checkShape, defaultQueryLimits, parseWithinLimits } from './limits.js';

// The shape checks need no schema: they run before validation. The cost is measured on a schema.
const limits = { ...defaultQueryLimits(), maxDepth: 4, maxCost: 500 };
const schema = buildSchema(`
  type Query { root: Node, items(first: Int, last: Int): [Node], nodes: NodeConnection }
  type Node { name: String, children(first: Int): [Node] }
  type NodeConnection { edges: [Node], total: Int }
`);
const cost = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  try {
    checkCost(schema, document, getOperationAST(document) ?? (undefined as never), variables, limits);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};
const shape = (query: string) => {
  try {
    checkShape(parse(query), limits);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('query cost', () => {
  it('lets a query within depth and cost through', () => {
    expect(cost('{ root { children { name } } }')).toBeNull();
  });

  it('refuses a query deeper than the limit (depth counts every level of fields, leaves included)', () => {
    expect(cost('{ root { children { children { children { children { name } } } } } }')).toBe('query depth 6 exceeds the limit of 4');
  });

  it('counts a list by its page size, literal or variable, and refuses one too costly', () => {
    expect(cost('{ items(first: 10) { name } }')).toBeNull();
    expect(cost('{ items(first: 100) { children(first: 10) { name } } }')).toBe('query cost 1101 exceeds the limit of 500');
    expect(cost('query($n: Int) { items(first: $n) { children(first: 10) { name } } }', { n: 100 })).toBe(
      'query cost 1101 exceeds the limit of 500',
    );
  });

  it('counts every field selection, leaves included', () => {
    expect(cost(`{ ${Array.from({ length: 501 }, (_, i) => `a${i}: root`).join(' ')} }`)).toBe('query cost 501 exceeds the limit of 500');
  });

  it('follows fragments, each measured once, and does not loop on them', () => {
    expect(cost('fragment F on Node { children(first: 50) { name } } { items(first: 20) { ...F } }')).toBe(
      'query cost 1021 exceeds the limit of 500',
    );
    const doubling = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Node { a: ...F${i + 1} b: ...F${i + 1} }`)
      .join(' ')
      .replaceAll(/a: |b: /g, '');
    // 2^40 names: refused at once by the linear pass, where walking each spread would never end.
    expect(cost(`${doubling} fragment F40 on Node { name } { root { ...F0 } }`)).toBe(
      'the query expands to 1099511627777 fields, over the limit of 1000',
    );
  });

  it("counts a list without a page size as 10, and a connection's edges as its page", () => {
    expect(cost('{ items { children { children { name } } } }')).toBe('query cost 1111 exceeds the limit of 500');
    // nodes: 1 + (edges: 1 + (children: 1 + 10 x name) + total) = 14
    expect(cost('{ nodes { edges { children { name } } total } }')).toBeNull();
  });

  it('honours `last` and a variable left unset falls back to the unpaged size', () => {
    expect(cost('{ items(last: 60) { children(first: 10) { name } } }')).toBe('query cost 661 exceeds the limit of 500');
    expect(cost('query($n: Int) { items(first: $n) { children(first: 10) { name } } }', {})).toBeNull();
  });
});

describe('document shape', () => {
  it('refuses aliases, root fields and fields over their limits', () => {
    expect(shape(`{ root { ${Array.from({ length: 51 }, (_, i) => `a${i}: name`).join(' ')} } }`)).toBe(
      'the query has more than 50 aliases',
    );
    expect(shape(`{ ${'root '.repeat(21)}}`)).toBe('an operation asks for more than 20 root fields');
    expect(shape(`{ root { ${'name '.repeat(1001)}} }`)).toBe('the query selects more than 1000 fields');
  });

  it('names the argument, or the variable default, that holds a NUL', () => {
    expect(shape('{ items(filter: { search: "a\\u0000" }) { name } }')).toBe('filter.search: contains a NUL character (U+0000)');
    expect(shape('query($s: String = "\\u0000") { root }')).toBe('$s: contains a NUL character (U+0000)');
  });

  it('refuses brackets nested too deep before the parser recurses into them', () => {
    expect(() => parseWithinLimits(`{ root(x: ${'['.repeat(30_000)}) }`, limits)).toThrow('the query nests brackets deeper than 64 levels');
  });
});
