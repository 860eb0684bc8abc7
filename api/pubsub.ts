import type { EventBus } from '../events/bus.js';
import { type EventMap, type Topic, topics } from '../events/topics.js';

/** How many events a subscriber may fall behind by before its subscription ends with an error. */
const maxBacklog = 1000;

/**
 * The subscriptions' pub/sub: every topic of the event bus, fed from Redis so events cross processes.
 * Each subscription is a plain async iterator over a queue: a published event costs one array push
 * per subscriber (or one promise resolution when it waits), which matters with thousands of them.
 */
export function createApiPubSub() {
  const listeners = new Map<Topic, Set<(event: unknown) => void>>();
  return {
    publish<T extends Topic>(topic: T, event: EventMap[T]): void {
      for (const listener of listeners.get(topic) ?? []) listener(event);
    },
    subscribe<T extends Topic>(topic: T): AsyncIterableIterator<EventMap[T]> {
      const queue: EventMap[T][] = [];
      let waiting: ((result: IteratorResult<EventMap[T]>) => void) | null = null;
      let failure: Error | null = null;
      let done = false;
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      const stop = () => {
        done = true;
        set.delete(listener);
        queue.length = 0;
      };
      const listener = (event: unknown) => {
        if (waiting) {
          const resolve = waiting;
          waiting = null;
          resolve({ value: event as EventMap[T], done: false });
        } else if (queue.length < maxBacklog) queue.push(event as EventMap[T]);
        else {
          failure = new Error(`the subscriber fell more than ${maxBacklog} events behind`);
          stop();
        }
      };
      set.add(listener);
      return {
        next() {
          if (queue.length) return Promise.resolve({ value: queue.shift() as EventMap[T], done: false });
          if (failure) return Promise.reject(failure);
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => {
            waiting = resolve;
          });
        },
        return() {
          stop();
          const resolve = waiting;
          waiting = null;
          resolve?.({ value: undefined, done: true });
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}

export type ApiPubSub = ReturnType<typeof createApiPubSub>;

/** Feeds the pub/sub from the Redis event bus; returns the function that stops it. */
export async function bridgeEvents(events: EventBus, pubSub: ApiPubSub): Promise<() => void> {
  const stops = await Promise.all(topics.map((topic) => events.subscribe(topic, (event) => pubSub.publish(topic, event as never))));
  return () => {
    for (const stop of stops) stop();
  };
}
