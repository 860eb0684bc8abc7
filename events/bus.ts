import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.js';
import { Unanswered, isReady } from '../platform/redis.js';
import { WriteWindow } from '../platform/write-window.js';
import { type EventMap, type Topic, topics } from './topics.js';

export type Listener<T extends Topic> = (event: EventMap[T]) => void;

/** Typed publish/subscribe across processes over Redis pub/sub, under the deployment's prefix. */
export interface EventBus {
  /**
   * Resolves once Redis has the event, or once it was dropped: events are notifications (the state is in
   * PostgreSQL), so while Redis is away they are dropped and counted, never waited for nor thrown.
   */
  publish<T extends Topic>(topic: T, event: EventMap[T]): Promise<void>;
  /** Events dropped because Redis was away, since the bus was made. */
  readonly dropped: number;
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
  type Sent = { count: number; sent: PromiseWithResolvers<void> };
  let runs: Run[] = [];
  let dropped = 0;
  /** Dropped since the last PUBLISH Redis took: one warning when an outage begins, one when it ends. */
  let droppedNow = 0;
  const drop = (count: number) => {
    if (droppedNow === 0) log.warn('event bus: Redis is away; events are dropped until it is back');
    dropped += count;
    droppedNow += count;
  };
  const unanswered = new Unanswered<Sent>(publisher, ({ count, sent }) => {
    drop(count);
    sent.resolve();
  });
  const delivered = (item: Sent) => {
    if (!unanswered.delete(item)) return;
    if (droppedNow > 0) log.warn({ dropped: droppedNow }, 'event bus: Redis is back; events dropped while it was away');
    droppedNow = 0;
    item.sent.resolve();
  };
  const failed = (item: Sent, error: unknown) => {
    if (!unanswered.delete(item)) return;
    log.warn({ err: error }, 'event bus: Redis refused a publish');
    drop(item.count);
    item.sent.resolve();
  };
  const send = () => {
    const leaving = runs;
    runs = [];
    const ready = isReady(publisher);
    for (const { topic, events, sent } of leaving) {
      if (!ready) {
        drop(events.length);
        sent.resolve();
        continue;
      }
      // Only the resolvers wait for Redis, not the run's encoded events.
      const item: Sent = { count: events.length, sent };
      unanswered.add(item);
      publisher.publish(channel(topic), `[${events.join(',')}]`).then(
        () => delivered(item),
        (error: unknown) => failed(item, error),
      );
    }
  };

  return {
    get dropped() {
      return dropped;
    },
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
