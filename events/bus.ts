import type { Redis } from 'ioredis';
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

export function createEventBus(options: { publisher: Redis; subscriber: Redis; prefix: string; log: Logger }): EventBus {
  const { publisher, subscriber, prefix, log } = options;
  const channel = (topic: Topic) => `${prefix}:events:${topic}`;
  const listeners = new Map<Topic, Set<Listener<Topic>>>();
  const subscribed = new Set<Topic>();
  const byChannel = new Map(topics.map((t) => [channel(t), t]));

  subscriber.on('message', (name: string, message: string) => {
    const topic = byChannel.get(name);
    if (!topic) return;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      log.warn({ channel: name }, 'event bus: ignored a message that is not JSON');
      return;
    }
    for (const listener of listeners.get(topic) ?? []) {
      try {
        listener(event as EventMap[Topic]);
      } catch (error) {
        log.error({ err: error, topic }, 'event bus: a listener failed');
      }
    }
  });

  return {
    async publish(topic, event) {
      await publisher.publish(channel(topic), JSON.stringify(event));
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
