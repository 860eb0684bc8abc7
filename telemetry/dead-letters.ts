import type { Redis } from 'ioredis';

/**
 * Moves the entries the telemetry sink set aside (`<stream>:dead`, each with the id it had and the reason)
 * back into the stream, as they were first written, oldest first: after the cause is fixed (a warehouse
 * schema, a sink bug), they are written like any other entry, and set aside again if still refused. The
 * frames keep their keys, so an entry that was in fact written before adds no rows. Resolves to how many.
 */
export async function replayDeadLetters(redis: Redis, stream: string, limit = 100_000): Promise<number> {
  const dead = `${stream}:dead`;
  let moved = 0;
  while (moved < limit) {
    const batch = await redis.xrange(dead, '-', '+', 'COUNT', Math.min(500, limit - moved));
    if (batch.length === 0) break;
    for (const [id, fields] of batch) {
      const original: string[] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i] !== 'id' && fields[i] !== 'error') original.push(fields[i] as string, fields[i + 1] as string);
      }
      await redis.xadd(stream, '*', ...original);
      await redis.xdel(dead, id);
      moved++;
    }
  }
  return moved;
}
