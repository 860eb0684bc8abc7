import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, type ExecutionResult, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sharedSubscribe } from './shared-subscribe.js';

/** A schema whose one subscription yields the events pushed to `emit`, counting its executions. */
function aSchema() {
  const listeners = new Set<(event: { n: number }) => void>();
  let executions = 0;
  let closed = 0;
  const Event = new GraphQLObjectType({
    name: 'Event',
    fields: { n: { type: GraphQLInt }, seenBy: { type: GraphQLString } },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        event: {
          type: Event,
          subscribe: () => {
            const queue: Array<(v: IteratorResult<{ n: number }>) => void> = [];
            const listener = (event: { n: number }) => queue.shift()?.({ value: event, done: false });
            listeners.add(listener);
            return {
              next: () => new Promise<IteratorResult<{ n: number }>>((resolve) => queue.push(resolve)),
              return: async () => {
                listeners.delete(listener);
                closed++;
                return { value: undefined, done: true };
              },
              [Symbol.asyncIterator]() {
                return this;
              },
            };
          },
          resolve: (event: { n: number }, _args: unknown, context: { principal: { id: string } }) => {
            executions++;
            return { n: event.n, seenBy: context.principal.id };
          },
        },
      },
    }),
  });
  return {
    schema,
    emit: (event: { n: number }) => {
      for (const listener of listeners) listener(event);
    },
    executions: () => executions,
    closed: () => closed,
  };
}

const subscription = parse('subscription { event { n seenBy } }');
const as = (id: string) => ({ principal: { kind: 'user', id, role: 'OPERATOR', organisationId: 'o', tokenId: 't' } });

describe('shared subscription results', () => {
  it('executes an event once for the subscribers with the same operation and principal, apart for another principal', async () => {
    const { schema, emit, executions, closed } = aSchema();
    const subscribe = (id: string) =>
      sharedSubscribe({ schema, document: subscription, contextValue: as(id) }) as Promise<AsyncIterableIterator<ExecutionResult>>;
    const [a1, a2, b] = await Promise.all([subscribe('alice'), subscribe('alice'), subscribe('bob')]);
    const next = Promise.all([a1.next(), a2.next(), b.next()]);
    emit({ n: 7 });
    const [r1, r2, r3] = await next;
    expect(r1.value).toEqual({ data: { event: { n: 7, seenBy: 'alice' } } });
    expect(r2.value).toEqual({ data: { event: { n: 7, seenBy: 'alice' } } });
    expect(r3.value).toEqual({ data: { event: { n: 7, seenBy: 'bob' } } });
    expect(executions()).toBe(2);

    // A new event is executed anew.
    const again = Promise.all([a1.next(), a2.next()]);
    emit({ n: 8 });
    expect((await again).map((r) => (r.value as ExecutionResult).data)).toEqual([
      { event: { n: 8, seenBy: 'alice' } },
      { event: { n: 8, seenBy: 'alice' } },
    ]);
    expect(executions()).toBe(3); // bob was not waiting for this one

    await Promise.all([a1.return?.(), a2.return?.(), b.return?.()]);
    expect(closed()).toBe(3);
  });

  it('keeps operations with other variables apart', async () => {
    const { schema, emit, executions } = aSchema();
    const doc = parse('subscription($x: Int) { event { n } }');
    const one = (await sharedSubscribe({
      schema,
      document: doc,
      variableValues: { x: 1 },
      contextValue: as('a'),
    })) as AsyncIterableIterator<ExecutionResult>;
    const two = (await sharedSubscribe({
      schema,
      document: doc,
      variableValues: { x: 2 },
      contextValue: as('a'),
    })) as AsyncIterableIterator<ExecutionResult>;
    const next = Promise.all([one.next(), two.next()]);
    emit({ n: 1 });
    await next;
    expect(executions()).toBe(2);
  });
});
