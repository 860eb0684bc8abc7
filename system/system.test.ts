import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway } from '../ocpp/gateway.js';
import { startTestSystem, type TestSystem, testConfig } from '../test/system.js';
import { createDeps } from './deps.js';
import { listen } from '../platform/http.js';
import { createLogger } from '../platform/logger.js';

describe('the whole system in one process', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.close());

  it('answers GraphQL { __typename }', async () => {
    const response = await fetch(`${system.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('says it is alive and ready when PostgreSQL, Redis and the warehouse answer', async () => {
    const alive = await fetch(`${system.apiUrl}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${system.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: true, redis: true, warehouse: true } });
  });

  it('exposes Prometheus metrics with process figures and its own', async () => {
    const text = await (await fetch(`${system.apiUrl}/metrics`)).text();
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('evcms_ocpp_connections');
  });

  it('accepts a station WebSocket with ocpp1.6 and its password', async () => {
    const { ocppPassword } = await system.deps.stations.create({ identity: 'SYS-CP-1', ocppPassword: 'sys-cp-1-password-ok' });
    const ws = new WebSocket(`${system.ocppUrl}SYS-CP-1`, ['ocpp1.6'], {
      headers: { authorization: `Basic ${Buffer.from(`SYS-CP-1:${ocppPassword}`).toString('base64')}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('ocpp1.6');
    ws.close();
  });

  it('applied the PostgreSQL and ClickHouse migrations once', async () => {
    const pgRows = await system.deps.orm.em.fork().getConnection().execute('select name from mikro_orm_migrations');
    expect(pgRows.length).toBeGreaterThan(0);
    const ch = await system.deps.warehouse.client.query({
      query: `SELECT name FROM ${system.deps.warehouse.table('schema_migrations')}`,
      format: 'JSONEachRow',
    });
    expect((await ch.json<{ name: string }>()).map((r) => r.name)).toContain('0001_meter_values');
  });
});

describe('start-up failures', () => {
  it('names the port that is already in use', async () => {
    const blocker = createServer();
    const port = await listen(blocker, 0, '127.0.0.1', 'blocker');
    const config = testConfig({ OCPP_PORT: String(port) });
    const deps = await createDeps(config, createLogger('silent'));
    try {
      await expect(startGateway(deps)).rejects.toThrow(`OCPP gateway cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      blocker.close();
      const { closeDeps } = await import('./deps.js');
      await closeDeps(deps);
      const { dropDatabase } = await import('../test/system.js');
      await dropDatabase(config.DATABASE_URL);
    }
  });

  it('names an unreachable database', async () => {
    const config = testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/evcms' });
    await expect(createDeps(config, createLogger('silent'))).rejects.toThrow(
      /^PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/evcms/,
    );
  });

  it('names an unreachable Redis and leaves nothing open', async () => {
    const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(createDeps(config, createLogger('silent'))).rejects.toThrow(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:1/);
    const { dropDatabase } = await import('../test/system.js');
    await dropDatabase(config.DATABASE_URL);
  });
});
