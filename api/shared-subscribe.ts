import { type ExecutionArgs, type ExecutionResult, createSourceEventStream, execute, print } from 'graphql';
import type { ApiContext } from './context.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-js's `subscribe`, except that each event's result is computed once per operation (document,
 * operation name, variables) and principal, and shared by every subscription with the same ones: a
 * dashboard open in many tabs, a partner app's many sockets. An event fanned out to a thousand such
 * subscribers is executed once, not a thousand times. What a subscriber may see never changes: the
 * principal (its kind and id) is part of the key, and the topics' filters still run per subscription.
 */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncGenerator<ExecutionResult> | AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const context = args.contextValue as ApiContext | undefined;
  const principal = context?.principal;
  const key = [
    principal ? `${principal.kind}:${principal.id}` : 'anonymous',
    args.operationName ?? '',
    JSON.stringify(args.variableValues ?? {}),
    args.document.loc?.source.body ?? print(args.document),
  ].join('\u0000');
  const run = (payload: unknown): Result => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let perEvent = shared.get(payload);
    if (!perEvent) {
      perEvent = new Map();
      shared.set(payload, perEvent);
    }
    let result = perEvent.get(key);
    if (!result) {
      result = execute({ ...args, rootValue: payload });
      perEvent.set(key, result);
    }
    return result;
  };
  const source = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const finished: IteratorResult<ExecutionResult> = { value: undefined, done: true };
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      const item = await source.next();
      return item.done ? finished : { value: await run(item.value), done: false };
    },
    async return() {
      await source.return?.();
      return finished;
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return results;
    },
  };
  return results;
}

/** Results by event object: an event (and its results) is forgotten once no subscriber holds it. */
const shared = new WeakMap<object, Map<string, Result>>();
