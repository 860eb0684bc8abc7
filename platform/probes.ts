import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { sendJson } from './http.js';
import { isReady, within } from './redis.js';

/** What the probes read of a process (the composition root's deps have all of it). */
export interface ProbeDeps {
  config: { ROLES: readonly string[] };
  nodeId: string;
  stopping: boolean;
  metrics: { registry: Registry };
  orm: { isConnected(): Promise<boolean> };
  redis: Redis;
  warehouse: { ping(): Promise<boolean> };
  /** Set in a process that runs the telemetry sink. */
  telemetrySink?: { ready(): boolean };
}

/** /healthz (alive), /readyz (PostgreSQL, Redis and the warehouse answer), /metrics (Prometheus). */
export async function serveProbe(req: IncomingMessage, res: ServerResponse, deps: ProbeDeps): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok', roles: deps.config.ROLES, node: deps.nodeId });
    return true;
  }
  if (path === '/readyz') {
    const checks = await readiness(deps);
    const ready = Object.values(checks).every(Boolean) && !deps.stopping;
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks, stopping: deps.stopping });
    return true;
  }
  if (path === '/metrics') {
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    res.end(body);
    return true;
  }
  return false;
}

export async function readiness(deps: ProbeDeps): Promise<Record<'postgres' | 'redis' | 'warehouse' | 'telemetrySink', boolean>> {
  const [postgres, redis, warehouse] = await Promise.all([
    within(deps.orm.isConnected(), 2000, false),
    // A client known to be disconnected fails its check at once: a ping would wait for the reconnect.
    isReady(deps.redis)
      ? within(
          deps.redis.ping().then((r) => r === 'PONG'),
          2000,
          false,
        )
      : false,
    within(deps.warehouse.ping(), 2000, false),
  ]);
  // No sink in this process (a gateway alone, the API alone): nothing of it to wait for.
  const telemetrySink = deps.telemetrySink?.ready() ?? true;
  return { postgres, redis, warehouse, telemetrySink };
}
