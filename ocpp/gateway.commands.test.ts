import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aStation, connectCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { connectRaw, type RawCharger } from '../test/raw-charger.js';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError } from './rpc/errors.js';

describe('commands to a station', () => {
  let system: TestSystem;
  const open: RawCharger[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_PING_INTERVAL: '1' } });
  });
  afterAll(() => system?.close());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  const send = (identity: string, action: string, payload: unknown, timeoutMs = 5000) =>
    system.deps.commands.send(identity, action, payload, timeoutMs);

  async function rawStation() {
    const station = await aStation(system);
    const charger = await connectRaw(system, station);
    open.push(charger);
    return { ...station, charger };
  }

  /** The next frame must be a CALL of `action`; returns its id and payload. */
  async function nextCall(charger: RawCharger, action: string) {
    const frame = await charger.next();
    expect(frame).toEqual([2, expect.any(String), action, expect.any(Object)]);
    expect((frame[1] as string).length).toBeLessThanOrEqual(36);
    return { id: frame[1] as string, payload: frame[3] };
  }

  it('returns the station’s response', async () => {
    const station = await aStation(system);
    const seen: unknown[] = [];
    const charger = await connectCharger(system, station, {
      handlers: {
        ChangeConfiguration: (params) => {
          seen.push(params);
          return { status: 'RebootRequired' };
        },
      },
    });
    const answer = await send(station.identity, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' });
    expect(answer).toEqual({ status: 'RebootRequired' });
    expect(seen).toEqual([{ key: 'HeartbeatInterval', value: '60' }]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps one CALL outstanding at a time and sends the next once the first is answered', async () => {
    const { identity, charger } = await rawStation();
    const results = ['Soft', 'Hard', 'Soft'].map((type) => send(identity, 'Reset', { type }));
    const first = await nextCall(charger, 'Reset');
    expect(first.payload).toEqual({ type: 'Soft' });
    await charger.expectSilence(300);
    charger.send([3, first.id, { status: 'Accepted' }]);
    const second = await nextCall(charger, 'Reset');
    expect(second.payload).toEqual({ type: 'Hard' });
    expect(second.id).not.toBe(first.id);
    await charger.expectSilence(200);
    charger.send([3, second.id, { status: 'Rejected' }]);
    const third = await nextCall(charger, 'Reset');
    charger.send([3, third.id, { status: 'Accepted' }]);
    expect(await Promise.all(results)).toEqual([{ status: 'Accepted' }, { status: 'Rejected' }, { status: 'Accepted' }]);
  });

  it('times a call out, then sends the next queued one, and ignores the late answer', async () => {
    const { identity, charger } = await rawStation();
    const slow = send(identity, 'Reset', { type: 'Soft' }, 300);
    const next = send(identity, 'ClearCache', {});
    const first = await nextCall(charger, 'Reset');
    await expect(slow).rejects.toBeInstanceOf(OcppTimeoutError);
    const second = await nextCall(charger, 'ClearCache');
    charger.send([3, first.id, { status: 'Accepted' }]);
    charger.send([3, second.id, { status: 'Accepted' }]);
    expect(await next).toEqual({ status: 'Accepted' });
    await charger.expectSilence(100);
  });

  it('counts the time of a queued call from when it was queued, and never sends one whose caller gave up', async () => {
    const { identity, charger } = await rawStation();
    const started = Date.now();
    const busy = send(identity, 'Reset', { type: 'Soft' }, 800);
    const waiting = send(identity, 'ClearCache', {}, 300);
    const first = await nextCall(charger, 'Reset');
    await expect(waiting).rejects.toBeInstanceOf(OcppTimeoutError);
    await expect(waiting).rejects.toThrow(/not sent within 300 ms/);
    expect(Date.now() - started).toBeLessThan(700);
    // The station answers the first late; the second was dropped, not sent after all.
    await expect(busy).rejects.toBeInstanceOf(OcppTimeoutError);
    charger.send([3, first.id, { status: 'Accepted' }]);
    await charger.expectSilence(300);
    // A call queued behind one that takes part of its time gets only what is left of its own.
    const before = send(identity, 'ClearCache', {}, 5000);
    const after = send(identity, 'ClearCache', {}, 600);
    const one = await nextCall(charger, 'ClearCache');
    await new Promise((r) => setTimeout(r, 400));
    charger.send([3, one.id, { status: 'Accepted' }]);
    expect(await before).toEqual({ status: 'Accepted' });
    const two = await nextCall(charger, 'ClearCache');
    expect(two.id).not.toBe(one.id);
    await expect(after).rejects.toThrow(/no answer from the station within 600 ms/);
  });

  it('rejects with an OcppCallError carrying the code when the station answers a CALLERROR', async () => {
    const { identity, charger } = await rawStation();
    const refused = send(identity, 'Reset', { type: 'Hard' });
    const call = await nextCall(charger, 'Reset');
    charger.send([4, call.id, 'NotSupported', 'no resets here', { reason: 'policy' }]);
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcppCallError);
    expect(error).toMatchObject({ code: 'NotSupported', wire: 'NotSupported', message: 'no resets here', details: { reason: 'policy' } });
  });

  it('reads the 1.6 spelling of a code a station sends back', async () => {
    const { identity, charger } = await rawStation();
    const refused = send(identity, 'ClearCache', {});
    const call = await nextCall(charger, 'ClearCache');
    charger.send([4, call.id, 'OccurenceConstraintViolation', '', {}]);
    await expect(refused).rejects.toMatchObject({ code: 'OccurrenceConstraintViolation', wire: 'OccurenceConstraintViolation' });
  });

  it('rejects a response that does not fit the schema, and goes on with the next call', async () => {
    const { identity, charger } = await rawStation();
    const odd = send(identity, 'Reset', { type: 'Soft' });
    const next = send(identity, 'ClearCache', {});
    const call = await nextCall(charger, 'Reset');
    charger.send([3, call.id, { status: 'Maybe' }]);
    const error = await odd.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcppError);
    expect(error).toMatchObject({ code: 'PropertyConstraintViolation' });
    const second = await nextCall(charger, 'ClearCache');
    charger.send([3, second.id, { status: 'Accepted' }]);
    expect(await next).toEqual({ status: 'Accepted' });
  });

  it('fails at once with StationOfflineError for a station that is not connected', async () => {
    const station = await aStation(system);
    const started = Date.now();
    await expect(send(station.identity, 'Reset', { type: 'Soft' }, 10_000)).rejects.toBeInstanceOf(StationOfflineError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails at once with StationOfflineError for a station that has disconnected', async () => {
    const { identity, charger } = await rawStation();
    await charger.close();
    await eventually(() => system.gateway?.connection(identity) === undefined);
    const started = Date.now();
    await expect(send(identity, 'Reset', { type: 'Soft' }, 10_000)).rejects.toBeInstanceOf(StationOfflineError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a request that does not fit the schema before sending it', async () => {
    const { identity, charger } = await rawStation();
    await expect(send(identity, 'Reset', { type: 'Sideways' })).rejects.toMatchObject({ code: 'PropertyConstraintViolation' });
    await expect(send(identity, 'Reset', {})).rejects.toMatchObject({ code: 'OccurrenceConstraintViolation' });
    await expect(send(identity, 'MakeCoffee', {})).rejects.toMatchObject({ code: 'NotImplemented' });
    const reservation = { connectorId: 1, expiryDate: '2030-03-01T10:00', idTag: 'ABC', reservationId: 1 };
    await expect(send(identity, 'ReserveNow', reservation)).rejects.toMatchObject({ code: 'PropertyConstraintViolation' });
    await charger.expectSilence(200);
    const fine = send(identity, 'ClearCache', {});
    const call = await nextCall(charger, 'ClearCache');
    charger.send([3, call.id, { status: 'Rejected' }]);
    expect(await fine).toEqual({ status: 'Rejected' });
  });

  it('rejects a bad request as a promise, even when called on the connection directly', async () => {
    const { identity } = await rawStation();
    const connection = system.gateway?.connection(identity);
    expect(connection).toBeDefined();
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = connection?.call('Reset', { type: 'Sideways' });
    }).not.toThrow();
    await expect(returned).rejects.toMatchObject({ code: 'PropertyConstraintViolation' });
  });

  it('answers the station’s own CALLs while one of ours is outstanding', async () => {
    const { identity, charger } = await rawStation();
    const pending = send(identity, 'ClearCache', {});
    const call = await nextCall(charger, 'ClearCache');
    const heartbeat = await charger.call('Heartbeat', {});
    expect(heartbeat[0]).toBe(3);
    charger.send([3, call.id, { status: 'Accepted' }]);
    expect(await pending).toEqual({ status: 'Accepted' });
  });
});
