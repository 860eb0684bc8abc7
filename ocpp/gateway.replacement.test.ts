import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aStation, bootPayload, connectCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { connectRaw, isOnline, type RawCharger } from '../test/raw-charger.js';
import { StationOfflineError } from './rpc/errors.js';

describe('a second connection for the same identity', () => {
  let system: TestSystem;
  const events: Array<{ identity: string; online: boolean }> = [];
  const open: RawCharger[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_PING_INTERVAL: '1' } });
    await system.deps.events.subscribe('station.online', (event) => events.push(event));
  });
  afterAll(() => system?.close());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  const eventsOf = (identity: string) => events.filter((e) => e.identity === identity).map((e) => e.online);
  const reset = (identity: string) => system.deps.commands.send(identity, 'Reset', { type: 'Soft' }, 5000);

  async function twoSockets(options: { autoPong?: boolean } = {}) {
    const station = await aStation(system);
    const older = await connectRaw(system, station, options);
    await eventually(() => isOnline(system, station.identity));
    const olderLink = system.gateway?.connection(station.identity);
    const newer = await connectRaw(system, station);
    open.push(older, newer);
    return { identity: station.identity, older, newer, olderLink };
  }

  /** The error `promise` fails with (handled at once), or its value. */
  const failure = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

  /** Answers the CALL `charger` receives next with Accepted. */
  async function accept(charger: RawCharger) {
    const frame = await charger.next();
    expect(frame[0]).toBe(2);
    charger.send([3, frame[1], { status: 'Accepted' }]);
  }

  it('sends commands to the newest socket at once', async () => {
    const { identity, older, newer, olderLink } = await twoSockets();
    expect(olderLink).toBeDefined();
    expect(system.gateway?.connection(identity)).not.toBe(olderLink);
    const answer = reset(identity);
    await accept(newer);
    expect(await answer).toEqual({ status: 'Accepted' });
    await older.expectSilence(200);
  });

  it('does not close the older socket, which is still answered', async () => {
    const { older } = await twoSockets();
    await new Promise((r) => setTimeout(r, 500));
    expect(older.ws.readyState).toBe(older.ws.OPEN);
    expect((await older.call('Heartbeat', {}))[0]).toBe(3);
  });

  it('keeps the station online when the older socket closes, and routes to the newer', async () => {
    const { identity, older, newer } = await twoSockets();
    await older.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await isOnline(system, identity)).toBe(true);
    expect(eventsOf(identity)).toEqual([true]);
    const answer = reset(identity);
    await accept(newer);
    expect(await answer).toEqual({ status: 'Accepted' });
  });

  it('marks the station offline once the newer socket closes too', async () => {
    const { identity, older, newer } = await twoSockets();
    await older.close();
    await newer.close();
    await eventually(async () => !(await isOnline(system, identity)));
    await eventually(() => eventsOf(identity).length === 2);
    expect(eventsOf(identity)).toEqual([true, false]);
    await expect(reset(identity)).rejects.toBeInstanceOf(StationOfflineError);
  });

  it('goes back to the older socket when the newer closes first', async () => {
    const { identity, older, newer, olderLink } = await twoSockets();
    await newer.close();
    await eventually(() => system.gateway?.connection(identity) === olderLink);
    await new Promise((r) => setTimeout(r, 200));
    expect(await isOnline(system, identity)).toBe(true);
    const answer = reset(identity);
    await accept(older);
    expect(await answer).toEqual({ status: 'Accepted' });
  });

  it('drops an older socket that fails its pings, and the station stays online', async () => {
    const { identity, older, newer } = await twoSockets({ autoPong: false });
    await new Promise<void>((resolve) => older.ws.once('close', () => resolve()));
    expect(await isOnline(system, identity)).toBe(true);
    const answer = reset(identity);
    await accept(newer);
    expect(await answer).toEqual({ status: 'Accepted' });
  });

  it('fails the calls outstanding on a socket that closes with StationOfflineError', async () => {
    const station = await aStation(system);
    const charger = await connectRaw(system, station);
    const first = failure(reset(station.identity));
    const queued = failure(system.deps.commands.send(station.identity, 'ClearCache', {}, 5000));
    await charger.next();
    const started = Date.now();
    await charger.close();
    expect(await first).toBeInstanceOf(StationOfflineError);
    expect(await queued).toBeInstanceOf(StationOfflineError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails the calls of the older socket when it closes, not those of the newer', async () => {
    const station = await aStation(system);
    const older = await connectRaw(system, station);
    const onOlder = failure(reset(station.identity));
    await older.next();
    const newer = await connectRaw(system, station);
    open.push(newer);
    const onNewer = reset(station.identity);
    await older.close();
    expect(await onOlder).toBeInstanceOf(StationOfflineError);
    await accept(newer);
    expect(await onNewer).toEqual({ status: 'Accepted' });
  });

  it('answers Heartbeat and StatusNotification on a reconnect without a new BootNotification', async () => {
    const station = await aStation(system);
    const first = await connectCharger(system, station);
    expect((await first.call<{ status: string }>('BootNotification', bootPayload())).status).toBe('Accepted');
    await first.close();
    await eventually(async () => !(await isOnline(system, station.identity)));
    const again = await connectCharger(system, station);
    await expect(again.call('Heartbeat')).resolves.toHaveProperty('currentTime');
    await expect(again.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' })).resolves.toEqual({});
    expect(again.violations).toEqual([]);
    await again.close();
  });

  it('answers a replacing socket at once, without a BootNotification on it', async () => {
    const station = await aStation(system);
    const first = await connectCharger(system, station);
    await first.call('BootNotification', bootPayload());
    const second = await connectCharger(system, station);
    await expect(second.call('StatusNotification', { connectorId: 0, status: 'Available', errorCode: 'NoError' })).resolves.toEqual({});
    await expect(second.call('Heartbeat')).resolves.toHaveProperty('currentTime');
    expect(first.client.state).toBe(WebSocket.OPEN);
    await Promise.all([first.close(), second.close()]);
  });
});
