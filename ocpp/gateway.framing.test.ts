import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aStation } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { aStartTransaction, anomalyKinds, sessionRow } from '../test/builders.js';
import { deepCall } from '../test/hostile-frames.js';
import { connectRaw, type RawCharger } from '../test/raw-charger.js';
import { MAX_FRAME_BYTES } from './rpc/frames.js';

const aStatus = (overrides: Record<string, unknown> = {}) => ({ connectorId: 1, errorCode: 'NoError', status: 'Available', ...overrides });

describe('OCPP-J framing over a live socket', () => {
  let system: TestSystem;
  let charger: RawCharger;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_PING_INTERVAL: '1' } });
  });
  afterAll(() => system?.close());
  afterEach(() => charger?.close());

  const connect = async () => {
    charger = await connectRaw(system, await aStation(system));
    return charger;
  };

  /** Sends a CALL and returns evcms' CALLERROR as [code, description, details], checking the id and the frame. */
  async function refusal(action: string, payload: unknown): Promise<[string, string, unknown]> {
    const frame = await charger.call(action, payload);
    expect(frame).toHaveLength(5);
    expect(frame[0]).toBe(4);
    return [frame[2] as string, frame[3] as string, frame[4]];
  }

  /** The station is still served: a Heartbeat gets its CALLRESULT. */
  async function expectServed() {
    const answer = await charger.call('Heartbeat', {});
    expect(answer[0]).toBe(3);
    expect(answer[2]).toMatchObject({ currentTime: expect.any(String) });
  }

  it('answers bad JSON with a FormationViolation under id "-1" and keeps the socket open', async () => {
    await connect();
    charger.send('[2,"m1","Heartbeat",{');
    const frame = await charger.next();
    expect(frame.slice(0, 3)).toEqual([4, '-1', 'FormationViolation']);
    expect(frame[4]).toEqual({});
    await expectServed();
  });

  it('answers a frame that is not an array, or has no readable id, under id "-1"', async () => {
    await connect();
    charger.send({ action: 'Heartbeat' });
    expect((await charger.next()).slice(0, 3)).toEqual([4, '-1', 'FormationViolation']);
    charger.send([2, 42, 'Heartbeat', {}]);
    expect((await charger.next()).slice(0, 3)).toEqual([4, '-1', 'FormationViolation']);
    await expectServed();
  });

  it('answers an id over 36 characters with a FormationViolation', async () => {
    await connect();
    const long = 'x'.repeat(37);
    charger.send([2, long, 'Heartbeat', {}]);
    expect((await charger.next()).slice(0, 3)).toEqual([4, long, 'FormationViolation']);
    await expectServed();
  });

  it('ignores an unknown message type in 1.6', async () => {
    await connect();
    charger.send([7, 'm1', 'Heartbeat', {}]);
    await charger.expectSilence();
    await expectServed();
  });

  it('answers a message type sent as a string with a FormationViolation under the CALL id', async () => {
    await connect();
    charger.send(['2', 'm-string-type', 'Heartbeat', {}]);
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm-string-type', 'FormationViolation']);
    await expectServed();
  });

  it('answers a text frame that is not UTF-8 with a FormationViolation under its id and keeps the socket open', async () => {
    await connect();
    const frame = Buffer.concat([Buffer.from('[2,"m-latin1","Authorize",{"idTag":"'), Buffer.from([0xe9, 0xff]), Buffer.from('"}]')]);
    charger.ws.send(frame, { binary: false });
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm-latin1', 'FormationViolation']);
    charger.ws.send(Buffer.from([0xff, 0xfe, 0x5b]), { binary: false });
    expect((await charger.next()).slice(0, 3)).toEqual([4, '-1', 'FormationViolation']);
    await expectServed();
  });

  it('reads a CALL sent in a binary frame as if it were text (a charger quirk)', async () => {
    await connect();
    charger.ws.send(Buffer.from(JSON.stringify([2, 'm-binary', 'Heartbeat', {}])), { binary: true });
    const answer = await charger.next();
    expect(answer.slice(0, 2)).toEqual([3, 'm-binary']);
    expect(Object.keys(answer[2] as object)).toEqual(['currentTime']);
    await expectServed();
  });

  it('answers once a CALL repeated under the same id while its answer is still being worked out', async () => {
    await connect();
    const frame = JSON.stringify([2, 'm-repeated', 'Authorize', { idTag: 'REPEATED-TAG' }]);
    charger.ws.send(frame);
    charger.ws.send(frame);
    const answer = await charger.next();
    expect(answer.slice(0, 2)).toEqual([3, 'm-repeated']);
    await charger.expectSilence(300);
    // Once answered, the id may come again (the charger did not get the answer) and is answered again.
    charger.ws.send(frame);
    expect((await charger.next()).slice(0, 2)).toEqual([3, 'm-repeated']);
    await expectServed();
  });

  it('answers a CALL cut short under its own id', async () => {
    await connect();
    charger.send([2, 'm-short']);
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm-short', 'FormationViolation']);
    await expectServed();
  });

  it('answers an unknown action with NotImplemented', async () => {
    await connect();
    expect((await refusal('MakeCoffee', {}))[0]).toBe('NotImplemented');
    await expectServed();
  });

  it('answers a 1.6 action evcms does not handle with NotSupported', async () => {
    await connect();
    expect((await refusal('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----' }))[0]).toBe('NotSupported');
    await expectServed();
  });

  it('answers NotSupported to such an action before looking at its payload', async () => {
    await connect();
    expect((await refusal('SignCertificate', {}))[0]).toBe('NotSupported');
    expect((await refusal('SignCertificate', { csr: 42 }))[0]).toBe('NotSupported');
  });

  it('answers a missing required field with OccurenceConstraintViolation, spelled the 1.6 way', async () => {
    await connect();
    const [code, description] = await refusal('StatusNotification', { connectorId: 1, errorCode: 'NoError' });
    expect(code).toBe('OccurenceConstraintViolation');
    expect(description).toContain('status');
    await expectServed();
  });

  it('answers a wrong type with TypeConstraintViolation', async () => {
    await connect();
    expect((await refusal('StatusNotification', aStatus({ connectorId: 'one' })))[0]).toBe('TypeConstraintViolation');
    await expectServed();
  });

  it('answers a value outside the enum with PropertyConstraintViolation', async () => {
    await connect();
    expect((await refusal('StatusNotification', aStatus({ status: 'Napping' })))[0]).toBe('PropertyConstraintViolation');
    await expectServed();
  });

  it('answers an extra property with FormationViolation', async () => {
    await connect();
    expect((await refusal('StatusNotification', aStatus({ colour: 'green' })))[0]).toBe('FormationViolation');
    await expectServed();
  });

  it('answers a payload that is not an object with FormationViolation under the CALL id', async () => {
    await connect();
    charger.send([2, 'm-null', 'Heartbeat', []]);
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm-null', 'FormationViolation']);
    await expectServed();
  });

  it('keeps descriptions within 255 characters, with {} details', async () => {
    await connect();
    const [code, description, details] = await refusal(`Make${'Coffee'.repeat(60)}`, {});
    expect(code).toBe('NotImplemented');
    expect(description.length).toBeLessThanOrEqual(255);
    expect(description.length).toBeGreaterThan(0);
    expect(details).toEqual({});
  });

  it('answers a handler that throws with InternalError and no stack trace', async () => {
    const vendorId = `boom-${randomUUID()}`;
    system.gateway?.vendors.register(vendorId, () => {
      throw new Error(`database exploded at ${'/srv/evcms/stations/service.ts:123:45\n'.repeat(20)}`);
    });
    await connect();
    const [code, description, details] = await refusal('DataTransfer', { vendorId });
    expect(code).toBe('InternalError');
    expect(description).not.toMatch(/exploded|service\.ts|\n\s+at /);
    expect(description.length).toBeLessThanOrEqual(255);
    expect(details).toEqual({});
    await expectServed();
  });

  it('answers InternalError when its own response would not fit the schema', async () => {
    const vendorId = `bad-${randomUUID()}`;
    system.gateway?.vendors.register(vendorId, () => ({ status: 'Maybe' }) as never);
    await connect();
    const [code, description] = await refusal('DataTransfer', { vendorId });
    expect(code).toBe('InternalError');
    expect(description).not.toContain('Maybe');
  });

  it('ignores a CALLRESULT or CALLERROR with an id it never sent, or malformed, and stays open', async () => {
    await connect();
    charger.send([3, randomUUID(), { status: 'Accepted' }]);
    charger.send([4, randomUUID(), 'GenericError', '', {}]);
    charger.send([3, randomUUID()]);
    charger.send([4, 17, 'GenericError']);
    await charger.expectSilence();
    await expectServed();
  });

  it('answers the CALLs of one socket in the order they came', async () => {
    await connect();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const [i, id] of ids.entries()) charger.send([2, id, i % 2 ? 'Heartbeat' : 'MakeCoffee', {}]);
    const answers = await Promise.all(ids.map(() => charger.next()));
    expect(answers.map((frame) => frame[1])).toEqual(ids);
    expect(answers.map((frame) => frame[0])).toEqual([4, 3, 4, 3, 4]);
  });

  it('answers a payload nested 2,100 levels deep with a FormationViolation under its id and stays up', async () => {
    await connect();
    charger.send(deepCall('m-deep', 2100));
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm-deep', 'FormationViolation']);
    await expectServed();
  });

  it('answers a Heartbeat with a null payload as one with {}', async () => {
    await connect();
    const answer = await charger.call('Heartbeat', null);
    expect(answer[0]).toBe(3);
    expect(answer[2]).toMatchObject({ currentTime: expect.any(String) });
  });

  it('answers a CALL over 1 MiB with a FormationViolation under its id and keeps the socket', async () => {
    await connect();
    charger.send([2, 'm-big', 'DataTransfer', { vendorId: 'v', data: 'x'.repeat(MAX_FRAME_BYTES) }]);
    const [type, id, code, description] = await charger.next(10_000);
    expect([type, id, code]).toEqual([4, 'm-big', 'FormationViolation']);
    expect(description).toMatch(/^frame of \d+ bytes is over the limit of 1 MiB$/);
    await expectServed();
  });

  it('never answers a CALLRESULT over 1 MiB', async () => {
    await connect();
    charger.send([3, 'm-big-result', { data: 'x'.repeat(MAX_FRAME_BYTES) }]);
    await charger.expectSilence();
    await expectServed();
  });

  it('takes a StartTransaction whose idTag holds a lone surrogate: session and anomaly stored', async () => {
    const station = await aStation(system);
    charger = await connectRaw(system, station);
    const answer = await charger.call('StartTransaction', aStartTransaction({ idTag: 'TAG\ud800' }));
    expect(answer[0]).toBe(3);
    const { transactionId } = answer[2] as { transactionId: number };
    expect((await sessionRow(system, transactionId)).idTag).toBe('TAG\ufffd');
    expect((await anomalyKinds(system, station.id)).length).toBeGreaterThan(0);
  });
});
