import type { Redis } from 'ioredis';
import { WriteWindow } from '../system/write-window.js';
import type { Logger } from '../system/logger.js';
import { type EventMap, type Topic, topics } from './topics.js';

export type Listener<T extends Topic> = (event: EventMap[T]) => void;

/** Typed publish/subscribe across processes over Redis pub/sub, under the deployment's prefix. */
export interface EventBus {
  publish<T extends Topic>(topic: T, event: EventMap[T]): Promise<void>;
  /** Resolves, once Redis has confirmed the subscription, to the function that unsubscribes. */
  subscribe<T extends Topic>(topic: T, listener: Listener<T>): Promise<() => void>;
  close(): Promise<void>;
}

export function createEventBus(options: {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  log: Logger;
  /** Events published in one window leave together (by default, one turn of the loop). */
  window?: WriteWindow;
}): EventBus {
  const { publisher, subscriber, prefix, log } = options;
  const window = options.window ?? new WriteWindow(0);
  const channel = (topic: Topic) => `${prefix}:events:${topic}`;
  const listeners = new Map<Topic, Set<Listener<Topic>>>();
  const subscribed = new Set<Topic>();
  const byChannel = new Map(topics.map((t) => [channel(t), t]));

  subscriber.on('message', (name: string, message: string) => {
    const topic = byChannel.get(name);
    if (!topic) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      log.warn({ channel: name }, 'event bus: ignored a message that is not JSON');
      return;
    }
    // A message carries the events of one topic published in one write window of the publisher, in order.
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
      for (const listener of listeners.get(topic) ?? []) {
        try {
          listener(event as EventMap[Topic]);
        } catch (error) {
          log.error({ err: error, topic }, 'event bus: a listener failed');
        }
      }
    }
  });

  // Events published in one window leave together: one PUBLISH per run of the same topic,
  // the runs in the order they were published, so every subscriber sees the events in publish order.
  type Run = { topic: Topic; events: string[]; sent: PromiseWithResolvers<void> };
  let runs: Run[] = [];
  const send = () => {
    const leaving = runs;
    runs = [];
    for (const { topic, events, sent } of leaving) {
      // Only the resolvers wait for Redis, not the run's encoded events.
      publisher.publish(channel(topic), `[${events.join(',')}]`).then(() => sent.resolve(), sent.reject);
    }
  };

  return {
    publish(topic, event) {
      if (runs.length === 0) window.schedule(send);
      let run = runs.at(-1);
      if (run?.topic !== topic) {
        run = { topic, events: [], sent: Promise.withResolvers<void>() };
        runs.push(run);
      }
      run.events.push(JSON.stringify(event));
      return run.sent.promise;
    },
    async subscribe(topic, listener) {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      set.add(listener as Listener<Topic>);
      if (!subscribed.has(topic)) {
        subscribed.add(topic);
        await subscriber.subscribe(channel(topic));
      }
      return () => {
        set.delete(listener as Listener<Topic>);
      };
    },
    async close() {
      listeners.clear();
      if (subscribed.size > 0) await subscriber.unsubscribe().catch(() => {});
    },
  };
}
