import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { aStation } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { defaultThrottleLimits } from '../stations/login-throttle.js';

interface Login {
  status: number;
  retryAfter?: string | undefined;
}

describe('station logins under a password-guessing attack', () => {
  let system: TestSystem;
  const open: WebSocket[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await system?.close();
  });

  /** An upgrade as `identity` with `password`, from a loopback address of its own (127.0.0.0/8 all reach the gateway). */
  function login(identity: string, password: string, from = '127.0.0.1'): Promise<Login> {
    const authorization = `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}`;
    const ws = new WebSocket(`${system.ocppUrl}${encodeURIComponent(identity)}`, ['ocpp1.6'], {
      headers: { authorization },
      localAddress: from,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        open.push(ws);
        resolve({ status: 101 });
      });
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  const statuses = async (count: number, attempt: () => Promise<Login>) => {
    const seen: Login[] = [];
    for (let i = 0; i < count; i++) seen.push(await attempt());
    return seen;
  };

  it('counts wrong passwords against one budget whatever the case the identity is spelt in (the same station)', async () => {
    const station = await aStation(system);
    const spellings = [station.identity.toLowerCase(), station.identity.toUpperCase()];
    let attempt = 0;
    const seen = await statuses(defaultThrottleLimits.perPair + 1, () =>
      login(spellings[attempt++ % 2] as string, 'wrong-password-wrong', '127.0.0.17'),
    );
    expect(seen.slice(0, defaultThrottleLimits.perPair).map((l) => l.status)).toEqual(Array(defaultThrottleLimits.perPair).fill(401));
    expect(seen.at(-1)?.status).toBe(429);
  });

  it('answers 429 with Retry-After once an address has used its wrong passwords for an identity', async () => {
    const station = await aStation(system);
    const seen = await statuses(defaultThrottleLimits.perPair + 5, () => login(station.identity, 'wrong-password-wrong', '127.0.0.7'));
    expect(seen.slice(0, defaultThrottleLimits.perPair).map((l) => l.status)).toEqual(Array(defaultThrottleLimits.perPair).fill(401));
    for (const throttled of seen.slice(defaultThrottleLimits.perPair)) {
      expect(throttled.status).toBe(429);
      expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    }
    // Even the right password waits from that address: it is refused before any password check.
    expect((await login(station.identity, station.password ?? '', '127.0.0.7')).status).toBe(429);
    expect(await system.deps.metrics.registry.getSingleMetricAsString('evcms_ocpp_throttled_logins_total')).toContain('limit="pair"');
  });

  it('lets the real charger in from its address while its identity is attacked from many others', async () => {
    const station = await aStation(system);
    expect((await login(station.identity, station.password ?? '', '127.0.1.1')).status).toBe(101);
    const attackers = Array.from({ length: 5 }, (_, i) => `127.0.2.${i + 1}`);
    for (const from of attackers) await statuses(defaultThrottleLimits.perPair, () => login(station.identity, 'guess-guess-guess-1', from));
    // The identity has used its failures: a wrong password from a new address gets 429, the charger's own
    // address gets in, and so does the right password from an address never seen (a gateway just restarted).
    expect((await login(station.identity, 'guess-guess-guess-2', '127.0.3.1')).status).toBe(429);
    expect((await login(station.identity, station.password ?? '', '127.0.1.1')).status).toBe(101);
    expect((await login(station.identity, station.password ?? '', '127.0.3.2')).status).toBe(101);
  });

  it('lets 200 stations log in at once with their right passwords', async () => {
    const stations = await Promise.all(Array.from({ length: 200 }, () => aStation(system)));
    const logins = await Promise.all(stations.map((s) => login(s.identity, s.password ?? '')));
    expect(logins.map((l) => l.status)).toEqual(Array(200).fill(101));
  });
});
