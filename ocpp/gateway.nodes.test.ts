import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDeps, createDeps, type Deps } from '../system/deps.js';
import { createLogger } from '../platform/logger.js';
import { aStation } from '../test/chargers.js';
import { connectRaw, isOnline, type RawCharger } from '../test/raw-charger.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { type Gateway, startGateway } from './gateway.js';
import { StationNotAcceptedError } from './rpc/errors.js';

/**
 * Several gateways (processes or machines) over one database and one Redis: each is a node of the
 * command router. Here they run in one test process, each with its own connections, as separate
 * processes would.
 */
describe('several gateway nodes', () => {
  let system: TestSystem;
  const others: Array<{ deps: Deps; gateway: Gateway }> = [];
  const events: Array<{ identity: string; online: boolean }> = [];
  const chargers: RawCharger[] = [];

  async function anotherGateway(port: number) {
    const deps = await createDeps(system.config, createLogger('silent', { pretty: false }));
    const gateway = await startGateway(deps, { port });
    others.push({ deps, gateway });
    return { deps, gateway, ocppUrl: `ws://127.0.0.1:${gateway.port}/ocpp/` };
  }

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_REUSE_PORT: 'true' } });
    await system.deps.events.subscribe('station.online', (event) => events.push(event));
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    for (const { deps, gateway } of others) {
      deps.stopping = true;
      await gateway.close();
      await closeDeps(deps);
    }
    await system?.close();
  });

  const gatewayNode = async (identity: string) => {
    const rows = await system.deps.sql.query('select online, gateway_node from station where identity = $1', [identity]);
    return rows.rows[0] as { online: boolean; gateway_node: string | null };
  };

  it('share one port with OCPP_REUSE_PORT, and a command reaches the station whichever node holds it', async () => {
    const second = await anotherGateway(system.gateway?.port as number);
    expect(second.gateway.port).toBe(system.gateway?.port);
    const stations = await Promise.all(Array.from({ length: 24 }, () => aStation(system)));
    for (const station of stations) chargers.push(await connectRaw(system, station));
    await eventually(async () => {
      for (const station of stations) if (!(await isOnline(system, station.identity))) return false;
      return true;
    });
    // The kernel spreads the connections: with 24 of them, all on one node is a one-in-eight-million chance.
    const first = system.gateway?.connectedCount() ?? 0;
    expect(first).toBeGreaterThan(0);
    expect(second.gateway.connectedCount()).toBeGreaterThan(0);
    expect(first + second.gateway.connectedCount()).toBe(stations.length);

    // The first node's router sends to a station the second node holds, through Redis.
    const index = stations.findIndex((s) => second.gateway.connection(s.identity) !== undefined);
    const station = stations[index] as (typeof stations)[number];
    const charger = chargers[index] as RawCharger;
    expect((await gatewayNode(station.identity)).gateway_node).toBe(second.deps.nodeId);
    const answer = system.deps.commands.send(station.identity, 'ClearCache', {}, 5000);
    const call = await charger.next();
    expect(call.slice(2)).toEqual(['ClearCache', {}]);
    charger.send([3, call[1], { status: 'Accepted' }]);
    expect(await answer).toEqual({ status: 'Accepted' });
  });

  it('says it is alive in Redis while it runs, and no longer once it has closed', async () => {
    const { commands } = system.deps;
    expect(await commands.isAlive(system.deps.nodeId)).toBe(true);
    const deps = await createDeps(system.config, createLogger('silent', { pretty: false }));
    const gateway = await startGateway(deps, { port: 0 });
    expect(await commands.isAlive(deps.nodeId)).toBe(true);
    await gateway.close();
    await closeDeps(deps);
    expect(await commands.isAlive(deps.nodeId)).toBe(false);
    expect(await commands.isAlive('never-was-a-node')).toBe(false);
  });

  it('keeps a station online when it moved to another node and its old socket closes later', async () => {
    const elsewhere = await anotherGateway(0);
    const station = await aStation(system);
    const older = await connectRaw(system, station);
    await eventually(async () => (await gatewayNode(station.identity)).online);
    const newer = await connectRaw({ ...system, ocppUrl: elsewhere.ocppUrl }, station);
    chargers.push(newer);
    await eventually(async () => (await gatewayNode(station.identity)).gateway_node === elsewhere.deps.nodeId);

    // The first node still holds the older socket; its commands go to the node holding the newer one.
    const routed = system.deps.commands.send(station.identity, 'ClearCache', {}, 5000);
    const sent = await newer.next();
    expect(sent.slice(2)).toEqual(['ClearCache', {}]);
    newer.send([3, sent[1], { status: 'Accepted' }]);
    expect(await routed).toEqual({ status: 'Accepted' });
    await older.expectSilence(200);

    await older.close();
    await eventually(() => system.gateway?.connection(station.identity) === undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await gatewayNode(station.identity)).toEqual({ online: true, gateway_node: elsewhere.deps.nodeId });
    expect(await system.deps.redis.get(`${system.config.REDIS_PREFIX}:station-node:${station.identity}`)).toBe(elsewhere.deps.nodeId);
    // Online twice (once per node), never offline.
    expect(events.filter((e) => e.identity === station.identity).map((e) => e.online)).toEqual([true, true]);

    // Commands still reach it, and it goes offline when the node holding it loses it.
    const answer = system.deps.commands.send(station.identity, 'ClearCache', {}, 5000);
    const call = await newer.next();
    newer.send([3, call[1], { status: 'Accepted' }]);
    expect(await answer).toEqual({ status: 'Accepted' });
    await newer.close();
    await eventually(async () => !(await gatewayNode(station.identity)).online);
    await eventually(() => events.filter((e) => e.identity === station.identity).length === 3);
    expect(events.filter((e) => e.identity === station.identity).map((e) => e.online)).toEqual([true, true, false]);
  });

  it('keeps the kind of a failure across nodes, and shrugs off a message that is not JSON', async () => {
    const remote = await anotherGateway(0);
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const charger = await connectRaw({ ...system, ocppUrl: remote.ocppUrl }, station);
    chargers.push(charger);
    await eventually(async () => (await gatewayNode(station.identity)).gateway_node === remote.deps.nodeId);
    const prefix = system.config.REDIS_PREFIX;
    await system.deps.redis.publish(`${prefix}:node:${remote.deps.nodeId}:commands`, 'not json');
    await system.deps.redis.publish(`${prefix}:node:${system.deps.nodeId}:replies`, '{');
    await expect(system.deps.commands.send(station.identity, 'RemoteStartTransaction', { idTag: 'ABC' }, 3000)).rejects.toBeInstanceOf(
      StationNotAcceptedError,
    );
    // Still served after the garbage: a command the station may get goes through.
    const answer = system.deps.commands.send(station.identity, 'ClearCache', {}, 3000);
    const call = await charger.next();
    charger.send([3, call[1], { status: 'Accepted' }]);
    expect(await answer).toEqual({ status: 'Accepted' });
  });
});
