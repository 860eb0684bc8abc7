import { describe, expect, it } from 'vitest';
import { OcppTimeoutError } from './errors.js';
import { createLogger } from '../platform/logger.js';
import { createRedis } from '../platform/redis.js';
import { CommandRouter } from './router.js';

describe('the command router without Redis', () => {
  it('fails a command within its timeout while Redis is away, instead of waiting for Redis', async () => {
    // Nothing listens on port 1: the connection keeps retrying and queues the commands meanwhile.
    const redis = createRedis('redis://127.0.0.1:1', 'router-test');
    const router = new CommandRouter({
      redis,
      subscriber: redis,
      prefix: 'router-test',
      nodeId: 'node-a',
      log: createLogger('silent', { pretty: false }),
      defaultTimeoutMs: 30_000,
    });
    const started = Date.now();
    try {
      await expect(router.send('CP-1', 'Reset', { type: 'Soft' }, 300)).rejects.toBeInstanceOf(OcppTimeoutError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      redis.disconnect();
    }
  });
});
