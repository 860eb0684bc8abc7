import { createPubSub } from '@graphql-yoga/subscription';
import type { EventBus } from '../events/bus.js';
import { type EventMap, topics } from '../events/topics.js';

/** The subscriptions' pub/sub: every topic of the event bus, fed from Redis so events cross processes. */
export type ApiPubSub = ReturnType<typeof createApiPubSub>;

export function createApiPubSub() {
  return createPubSub<{ [T in keyof EventMap]: [EventMap[T]] }>();
}

/** Feeds the pub/sub from the Redis event bus; returns the function that stops it. */
export async function bridgeEvents(events: EventBus, pubSub: ApiPubSub): Promise<() => void> {
  const stops = await Promise.all(topics.map((topic) => events.subscribe(topic, (event) => pubSub.publish(topic, event as never))));
  return () => {
    for (const stop of stops) stop();
  };
}
