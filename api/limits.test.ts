import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryLimits } from './limits.js';

const schema = buildSchema(`
  type Node { name: String, children(first: Int): [Node] }
  type Query { root: Node, items(first: Int): [Node] }
`);
const check = (query: string, limits = { maxDepth: 4, maxCost: 500 }) =>
  validate(schema, parse(query), [queryLimits(limits)]).map((e) => e.message);

describe('query limits', () => {
  it('lets a query within depth and cost through', () => {
    expect(check('{ root { children { name } } }')).toEqual([]);
  });

  it('refuses a query deeper than the limit (depth counts every level of fields, leaves included)', () => {
    expect(check('{ root { children { children { children { children { name } } } } } }')).toEqual([
      'query depth 6 exceeds the limit of 4',
    ]);
  });

  it('counts a list by its page size and refuses one too costly', () => {
    expect(check('{ items(first: 10) { name } }')).toEqual([]);
    expect(check('{ items(first: 100) { children(first: 10) { name } } }')).toEqual(['query cost 1101 exceeds the limit of 500']);
  });

  it('follows fragments and does not loop on them', () => {
    expect(check('fragment F on Node { children(first: 50) { name } } { items(first: 20) { ...F } }')).toEqual([
      'query cost 1021 exceeds the limit of 500',
    ]);
  });
});
