import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, anIdentity, connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { tryUpgrade, type UpgradeAnswer } from '../test/raw-charger.js';

describe('the gateway handshake', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_PING_INTERVAL: '1' } });
  });
  const opened: UpgradeAnswer[] = [];
  afterAll(async () => {
    for (const answer of opened) answer.ws?.terminate();
    await system?.close();
  });

  const upgrade: typeof tryUpgrade = async (...args) => {
    const answer = await tryUpgrade(...args);
    opened.push(answer);
    return answer;
  };

  const as = (station: { identity: string; password: string | null }, password = station.password ?? '') => ({
    basic: { username: station.identity, password },
  });

  it('upgrades a known station with its password and echoes ocpp1.6', async () => {
    const station = await aStation(system);
    const answer = await upgrade(system, station.identity, as(station));
    expect(answer.status).toBe(101);
    expect(answer.protocol).toBe('ocpp1.6');
  });

  it('answers 404 to an identity it does not know', async () => {
    const unknown = anIdentity('NOBODY');
    expect((await upgrade(system, unknown, { basic: { username: unknown, password: 'y'.repeat(20) } })).status).toBe(404);
    expect((await upgrade(system, anIdentity('NOBODY'))).status).toBe(404);
  });

  it('answers 404 to a path that holds no identity', async () => {
    expect((await upgrade(system, '')).status).toBe(404);
    const station = await aStation(system);
    expect((await upgrade(system, `site/${station.identity}`, as(station))).status).toBe(404);
  });

  it('answers 404 to an identity holding a NUL or a lone surrogate, with nothing of the database in the answer', async () => {
    expect((await upgrade(system, 'CP%00X')).status).toBe(404);
    expect((await upgrade(system, '%ED%A0%80')).status).toBe(404);
  });

  it('answers 401 to a password holding NULs, control characters or bytes that are not UTF-8', async () => {
    const station = await aStation(system);
    for (const password of ['\u0000'.repeat(20), `${station.password}\u0000`, '\u0001\u007f\ud800xxxxxxxxxxxxxxxx']) {
      expect((await upgrade(system, station.identity, as(station, password))).status).toBe(401);
    }
  });

  it('answers 401 to a wrong password', async () => {
    const station = await aStation(system);
    const answer = await upgrade(system, station.identity, as(station, 'not-the-password-at-all'));
    expect(answer.status).toBe(401);
    expect(answer).toMatchObject({ challenge: expect.stringMatching(/^Basic /) });
  });

  it('answers 401 to a missing password', async () => {
    const station = await aStation(system);
    expect((await upgrade(system, station.identity)).status).toBe(401);
    expect((await upgrade(system, station.identity, as(station, ''))).status).toBe(401);
  });

  it('answers 401 when the Basic user is not the identity, even with the right password', async () => {
    const station = await aStation(system);
    const other = await aStation(system);
    const answer = await upgrade(system, station.identity, { basic: { username: other.identity, password: station.password ?? '' } });
    expect(answer.status).toBe(401);
  });

  it('answers 400 without upgrading when no subprotocol is offered', async () => {
    const station = await aStation(system);
    expect(await upgrade(system, station.identity, { ...as(station), protocols: [] })).toEqual({ status: 400 });
  });

  it('answers 400 without upgrading when only subprotocols it does not speak are offered', async () => {
    const station = await aStation(system);
    expect(await upgrade(system, station.identity, { ...as(station), protocols: ['ocpp2.0.1'] })).toEqual({ status: 400 });
    expect(await upgrade(system, station.identity, { ...as(station), protocols: ['foo'] })).toEqual({ status: 400 });
  });

  it('echoes ocpp1.6 when it is offered among others', async () => {
    const station = await aStation(system);
    const answer = await upgrade(system, station.identity, { ...as(station), protocols: ['ocpp2.0.1', 'foo', 'ocpp1.6'] });
    expect(answer.status).toBe(101);
    expect(answer.protocol).toBe('ocpp1.6');
  });

  it('echoes the subprotocol as the charger spelled it', async () => {
    const station = await aStation(system);
    const answer = await upgrade(system, station.identity, { ...as(station), protocols: ['OCPP1.6'] });
    expect(answer.status).toBe(101);
    expect(answer.protocol).toBe('OCPP1.6');
  });

  it('takes a percent-encoded identity', async () => {
    const identity = `CP#${anIdentity()}`;
    const station = await aStation(system, { identity });
    const answer = await upgrade(system, encodeURIComponent(identity), as(station));
    expect(answer.status).toBe(101);
    expect(system.gateway?.connection(identity)?.identity).toBe(identity);
  });

  it('reads /ocpp/CP%20001 as identity "CP 001"', async () => {
    // stations.create refuses spaces, so the row is renamed behind its back to the example of OCPP.md.
    const station = await aStation(system);
    const identity = `CP ${station.identity}`;
    await system.deps.orm.em.fork().getConnection().execute('update station set identity = ? where id = ?', [identity, station.id]);
    const answer = await upgrade(system, identity.replace(' ', '%20'), as({ identity, password: station.password }));
    expect(answer.status).toBe(101);
    expect(system.gateway?.connection(identity)?.identity).toBe(identity);
  });

  it('lets a station of security profile 0 in without a password', async () => {
    const station = await aStation(system, { securityProfile: 0 });
    expect(station.password).toBeNull();
    const answer = await upgrade(system, station.identity);
    expect(answer.status).toBe(101);
    expect(answer.protocol).toBe('ocpp1.6');
  });

  it('lets a charger evcms did not write connect and talk', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    expect(charger.client.protocol).toBe('ocpp1.6');
    const answer = await charger.call<{ currentTime: string }>('Heartbeat');
    expect(Number.isNaN(Date.parse(answer.currentTime))).toBe(false);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('closes the connection after refusing, even when the client keeps its end open', async () => {
    const port = Number(new URL(system.ocppUrl).port);
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /ocpp/${anIdentity('NOBODY')} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n',
    );
    let response = '';
    socket.on('data', (chunk) => {
      response += String(chunk);
    });
    await new Promise((resolve) => socket.once('end', resolve));
    // The server's half is shut as well when writing to it gets the connection reset.
    socket.on('error', () => {});
    const writer = setInterval(() => socket.writable && socket.write('still here\r\n'), 100);
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1500);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    clearInterval(writer);
    socket.destroy();
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(closed).toBe(true);
  });
});
