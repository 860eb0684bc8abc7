import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, connectCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { connectRaw, isOnline } from '../test/raw-charger.js';

const PING_SECONDS = 1;

describe('station presence', () => {
  let system: TestSystem;
  const events: Array<{ identity: string; online: boolean }> = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_PING_INTERVAL: String(PING_SECONDS) } });
    await system.deps.events.subscribe('station.online', (event) => events.push(event));
  });
  afterAll(() => system?.close());

  const eventsOf = (identity: string) => events.filter((e) => e.identity === identity).map((e) => e.online);
  const nodeKey = (identity: string) => `${system.config.REDIS_PREFIX}:station-node:${identity}`;

  it('marks a station online when it connects and offline when it closes, with an event each', async () => {
    const station = await aStation(system);
    expect(await isOnline(system, station.identity)).toBe(false);
    const charger = await connectCharger(system, station);
    await eventually(() => isOnline(system, station.identity));
    await eventually(() => eventsOf(station.identity).length === 1);
    expect(eventsOf(station.identity)).toEqual([true]);
    await charger.close();
    await eventually(async () => !(await isOnline(system, station.identity)));
    await eventually(() => eventsOf(station.identity).length === 2);
    expect(eventsOf(station.identity)).toEqual([true, false]);
  });

  it('records which gateway node holds the station, and forgets it when the station leaves', async () => {
    const station = await aStation(system);
    const charger = await connectRaw(system, station);
    await eventually(() => isOnline(system, station.identity));
    expect(await system.deps.redis.get(nodeKey(station.identity))).toBe(system.deps.nodeId);
    const rows = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute('select gateway_node from station where identity = ?', [station.identity]);
    expect(rows).toEqual([{ gateway_node: system.deps.nodeId }]);
    await charger.close();
    await eventually(async () => (await system.deps.redis.get(nodeKey(station.identity))) === null);
  });

  it('drops a station that stops answering pings, within two ping intervals', async () => {
    const station = await aStation(system);
    const charger = await connectRaw(system, station, { autoPong: false });
    const connectedAt = Date.now();
    await eventually(() => isOnline(system, station.identity));
    const closed = new Promise<number>((resolve) => charger.ws.once('close', () => resolve(Date.now())));
    await eventually(() => system.gateway?.connection(station.identity) === undefined, 4000);
    const droppedAfter = Date.now() - connectedAt;
    expect(droppedAfter).toBeLessThanOrEqual(2 * PING_SECONDS * 1000 + 250);
    await eventually(async () => !(await isOnline(system, station.identity)), 2000);
    expect(await closed).toBeGreaterThanOrEqual(connectedAt);
    await eventually(() => eventsOf(station.identity).length === 2);
    expect(eventsOf(station.identity)).toEqual([true, false]);
  });

  it('drops a half-open socket that reads nothing any more', async () => {
    const station = await aStation(system);
    const charger = await connectRaw(system, station);
    await eventually(() => isOnline(system, station.identity));
    const silentAt = Date.now();
    (charger.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await eventually(() => system.gateway?.connection(station.identity) === undefined, 4000);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(2 * PING_SECONDS * 1000 + 250);
    await eventually(async () => !(await isOnline(system, station.identity)), 2000);
    charger.ws.terminate();
  });

  it('keeps a station that answers its pings', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station);
    await new Promise((r) => setTimeout(r, 3.5 * PING_SECONDS * 1000));
    expect(system.gateway?.connection(station.identity)).toBeDefined();
    expect(await isOnline(system, station.identity)).toBe(true);
    expect(eventsOf(station.identity)).toEqual([true]);
    await charger.close();
  });

  it('ends up offline when a station drops right after connecting', async () => {
    // The "online" write of the connect must not land after the "offline" write of the drop.
    const identities = await Promise.all(Array.from({ length: 20 }, () => aStation(system)));
    for (const station of identities) (await connectRaw(system, station)).ws.terminate();
    const stillOnline = async () => {
      const online = [];
      for (const station of identities) if (await isOnline(system, station.identity)) online.push(station.identity);
      return online;
    };
    // Offline once every write has landed, and still offline a moment later.
    await eventually(async () => (await stillOnline()).length === 0, 3000).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    expect(await stillOnline()).toEqual([]);
  });

  it('stays reachable when a station drops and reconnects at once', async () => {
    // The Redis claim of the new socket must not be undone by the release of the old one.
    const unreachable = [];
    for (let round = 0; round < 20; round++) {
      const station = await aStation(system);
      (await connectRaw(system, station)).ws.terminate();
      const again = await connectRaw(system, station);
      const reachable = async () =>
        (await system.deps.redis.get(nodeKey(station.identity))) === system.deps.nodeId && (await isOnline(system, station.identity));
      // Reachable once every write has landed, and still reachable a moment later.
      await eventually(reachable, 3000).catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      if (!(await reachable())) unreachable.push(station.identity);
      again.ws.terminate();
    }
    expect(unreachable).toEqual([]);
  });
});
