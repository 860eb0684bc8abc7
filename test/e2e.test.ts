import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, anOrganisation, gql } from './api.js';
import { bootPayload, connectCharger, type TestCharger } from './chargers.js';
import { liveClient, subscribe } from './live.js';
import { startTestSystem, type TestSystem } from './system.js';

/** Starts test/api-process.ts as a child against the same PostgreSQL, Redis and warehouse database. */
async function startApiProcess(system: TestSystem, dataDir: string): Promise<{ child: ChildProcess; apiUrl: string }> {
  const { config } = system;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    API_PORT: '0',
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    ...(config.CLICKHOUSE_URL ? { CLICKHOUSE_URL: config.CLICKHOUSE_URL } : {}),
    // chDB serves one data directory per process: the child gets its own.
    DATA_DIR: dataDir,
    SECRET_KEY: config.SECRET_KEY as string,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/api-process.ts'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the API process did not start within 45 s: ${stderr}`)), 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{"port":'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API process exited with ${code}: ${stderr}`));
    });
  });
  return { child, apiUrl: `http://127.0.0.1:${port}` };
}

describe('a station, its gateway, and a subscriber of an API running in another process', () => {
  let system: TestSystem;
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let subscriber: Client;
  let charger: TestCharger;
  let operator: { id: string; token: string };
  let password: string | null;
  const dataDir = mkdtempSync(join(tmpdir(), 'evcms-e2e-api-'));

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
    api = await startApiProcess(system, dataDir);
    const org = await anOrganisation(system, 'E2E Charge');
    operator = await aUser(system, 'OPERATOR', org.organisationId);
    password = (await system.deps.stations.create({ identity: 'E2E-CP-1', siteId: org.siteId })).ocppPassword;
    subscriber = liveClient(api.apiUrl, operator.token);
  }, 90_000);

  afterAll(async () => {
    await subscriber?.dispose();
    await charger?.close();
    if (api?.child.exitCode === null) {
      const exited = new Promise((r) => api.child.once('exit', r));
      api.child.kill('SIGTERM');
      await exited;
    }
    await system?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('sees the status and live energy of a session, and an operator stops it remotely and finds the command in the audit', async () => {
    const vars = { s: 'E2E-CP-1' };
    const statuses = await subscribe(
      subscriber,
      'subscription($s: String!) { connectorStatusChanged(stationIdentity: $s) { connectorId status ocppStatus } }',
      vars,
    );
    const updates = await subscribe(
      subscriber,
      'subscription($s: String) { sessionUpdated(stationIdentity: $s) { sessionId ocppTransactionId energyWh powerW } }',
      vars,
    );
    const ends = await subscribe(
      subscriber,
      'subscription($s: String) { sessionEnded(stationIdentity: $s) { sessionId ocppTransactionId reason energyWh } }',
      vars,
    );
    const presence = await subscribe(subscriber, 'subscription($s: String) { stationOnlineChanged(stationIdentity: $s) { online } }', vars);

    charger = await connectCharger(
      system,
      { identity: 'E2E-CP-1', password },
      {
        handlers: {
          RemoteStopTransaction: ({ transactionId }) => {
            setTimeout(() => {
              void charger.call('StopTransaction', {
                transactionId,
                meterStop: 4000,
                timestamp: new Date().toISOString(),
                reason: 'Remote',
              });
            }, 50);
            return { status: 'Accepted' };
          },
        },
      },
    );
    expect(await presence.next()).toEqual({ stationOnlineChanged: { online: true } });

    await charger.call('BootNotification', bootPayload());
    await charger.call('StatusNotification', { connectorId: 1, status: 'Preparing', errorCode: 'NoError' });
    expect(await statuses.next()).toEqual({ connectorStatusChanged: { connectorId: 1, status: 'Occupied', ocppStatus: 'Preparing' } });

    const { transactionId } = await charger.call<{ transactionId: number }>('StartTransaction', {
      connectorId: 1,
      idTag: 'E2ETAG',
      meterStart: 1000,
      timestamp: new Date().toISOString(),
    });
    await charger.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: '2.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
          ],
        },
      ],
    });
    const update = (await updates.next()) as { sessionUpdated: { sessionId: string } };
    const sessionId = update.sessionUpdated.sessionId;
    expect(update).toEqual({ sessionUpdated: { sessionId, ocppTransactionId: String(transactionId), energyWh: 1500, powerW: 7200 } });
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const stopped = await gql(
      { ...system, apiUrl: api.apiUrl },
      'mutation($id: ID!) { remoteStop(sessionId: $id) { status ended session { state stopReason energyWh } } }',
      { id: sessionId },
      operator.token,
    );
    expect(stopped.errors).toBeUndefined();
    expect(stopped.data).toEqual({
      remoteStop: { status: 'Accepted', ended: true, session: { state: 'Completed', stopReason: 'Remote', energyWh: 3000 } },
    });
    expect(await ends.next()).toEqual({
      sessionEnded: { sessionId, ocppTransactionId: String(transactionId), reason: 'Remote', energyWh: 3000 },
    });

    const audit = await gql<{ commandLog: { nodes: Array<Record<string, unknown>> } }>(
      { ...system, apiUrl: api.apiUrl },
      'query($s: String) { commandLog(stationIdentity: $s) { nodes { action request outcome actor response } } }',
      vars,
      operator.token,
    );
    expect(audit.data?.commandLog.nodes).toEqual([
      { action: 'RemoteStopTransaction', request: { transactionId }, outcome: 'ok', actor: operator.id, response: { status: 'Accepted' } },
    ]);
    expect([...statuses.errors, ...updates.errors, ...ends.errors, ...presence.errors]).toEqual([]);
    expect(charger.violations).toEqual([]);
  });
});
