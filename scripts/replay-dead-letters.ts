// Puts the telemetry entries the sink set aside back into the stream, for the sink to write again.
// Usage: npm run telemetry:replay-dead [-- LIMIT]   (the environment names Redis: REDIS_URL, REDIS_PREFIX)
import { loadConfig } from '../system/config.js';
import { connectRedis, createRedis } from '../platform/redis.js';
import { replayDeadLetters } from '../telemetry/dead-letters.js';

const config = loadConfig(process.env);
const limit = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
  process.stderr.write('telemetry:replay-dead: LIMIT is a whole number of entries, 1 or more\n');
  process.exit(2);
}
const redis = createRedis(config.REDIS_URL, 'evcms-replay-dead');
await connectRedis(redis, config.REDIS_URL);
try {
  const moved = await replayDeadLetters(redis, `${config.REDIS_PREFIX}:telemetry`, limit);
  process.stdout.write(`moved ${moved} entries back into ${config.REDIS_PREFIX}:telemetry\n`);
} finally {
  redis.disconnect();
}
