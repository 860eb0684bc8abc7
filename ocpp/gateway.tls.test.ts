import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { selfSignedCertificate } from '../test/certificates.js';
import { aStation } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

/** A throw-away self-signed certificate for 127.0.0.1. */
const selfSigned = () =>
  selfSignedCertificate({ key: ['rsa:2048'], subject: '/CN=127.0.0.1', extensions: ['subjectAltName=IP:127.0.0.1'] });

const open = (url: string, identity: string, password: string | null, options: WebSocket.ClientOptions = {}) =>
  new Promise<{ ws?: WebSocket; status?: number }>((resolve) => {
    const ws = new WebSocket(`${url}${identity}`, ['ocpp1.6'], {
      ...options,
      headers: password ? { authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` } : {},
    });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({}));
  });

describe('security profile 2: Basic auth over TLS', () => {
  let system: TestSystem;
  let wss: string;
  beforeAll(async () => {
    const { cert, key } = selfSigned();
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_TLS_CERT: cert, OCPP_TLS_KEY: key } });
    wss = system.ocppUrl.replace('ws://', 'wss://');
  });
  afterAll(() => system?.close());

  it('accepts a profile 2 station with its password over wss', async () => {
    const station = await aStation(system, { securityProfile: 2 });
    const { ws } = await open(wss, station.identity, station.password, { rejectUnauthorized: false });
    expect(ws?.protocol).toBe('ocpp1.6');
    ws?.close();
  });

  it('refuses a wrong password over wss with 401', async () => {
    const station = await aStation(system, { securityProfile: 2 });
    const { status } = await open(wss, station.identity, 'wrong-password-0000', { rejectUnauthorized: false });
    expect(status).toBe(401);
  });

  it('does not speak plain ws when TLS is configured', async () => {
    const station = await aStation(system, { securityProfile: 2 });
    const result = await open(system.ocppUrl, station.identity, station.password);
    expect(result.ws).toBeUndefined();
  });
});

describe('a profile 2 station on a gateway without TLS', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('is refused with 401: its password must not travel in the clear', async () => {
    const station = await aStation(system, { securityProfile: 2 });
    const { status } = await open(system.ocppUrl, station.identity, station.password);
    expect(status).toBe(401);
  });
});
