import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../test/api.js';
import { sql } from '../test/builders.js';
import { liveClient, subscribe } from '../test/live.js';
import { aFreshCaller, aPermissionWorld, type PermissionWorld } from '../test/permissions.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { FORBIDDEN_CLOSE } from './live-credentials.js';

const statusChanges = 'subscription($s: String!) { stationStatusChanged(stationIdentity: $s) { status } }';

describe('live connections whose credential ends', () => {
  let system: TestSystem;
  let world: PermissionWorld;
  const clients: Client[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'], env: { SUBSCRIPTION_RECHECK_INTERVAL: '0.2' } });
    world = await aPermissionWorld(system);
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await system?.close();
  });

  /** A signed-in client, subscribed, and how its connection ended (if it did). */
  async function aListener(credential: string | undefined) {
    const client = liveClient(system.apiUrl, credential);
    clients.push(client);
    const ended: { code?: number } = {};
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (event) => {
        ended.code = (event as { code: number }).code;
        resolve(ended.code);
      }),
    );
    await subscribe(client, statusChanges, { s: world.stationA.identity });
    return { closed, ended };
  }

  it("closes a user's connection once they log out, and leaves everyone else's open", async () => {
    const leaving = (await aFreshCaller(world, 'operatorA')) as string;
    const gone = await aListener(leaving);
    const staying = await aListener(world.credentials.operatorA);
    expect((await gql(system, 'mutation { logout }', {}, leaving)).data).toEqual({ logout: true });
    expect(await gone.closed).toBe(FORBIDDEN_CLOSE);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(staying.ended.code).toBeUndefined();
  });

  it("closes a partner's connection once its API key is revoked", async () => {
    const key = (await aFreshCaller(world, 'partnerA')) as string;
    const partner = await aListener(key);
    const prefix = key.split('_')[1];
    const [row] = await sql<{ id: string }>(system, 'select id from api_key where prefix = ?', [prefix]);
    await system.deps.apiKeys.revoke(row?.id as string);
    expect(await partner.closed).toBe(FORBIDDEN_CLOSE);
  });
});
