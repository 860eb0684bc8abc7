import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdentity, connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { tryUpgrade, type UpgradeAnswer } from '../test/raw-charger.js';

describe('unknown stations, with OCPP_REGISTRATION=pending', () => {
  let system: TestSystem;
  const opened: UpgradeAnswer[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_REGISTRATION: 'pending' } });
  });
  afterAll(async () => {
    for (const answer of opened) answer.ws?.terminate();
    await system?.close();
  });

  const upgrade = async (identity: string, password?: string) => {
    const answer = await tryUpgrade(system, identity, password === undefined ? {} : { basic: { username: identity, password } });
    opened.push(answer);
    return answer.status;
  };
  const row = async (identity: string) =>
    (await system.deps.sql.query('select registration_status, security_profile from station where identity = $1', [identity])).rows[0];

  it('lets a newcomer in as Pending with the password it offered, and holds it to that password', async () => {
    const identity = anIdentity('NEW');
    const password = 'first-use-password-0001';
    const charger = await connectCharger(system, { identity, password });
    expect((await charger.call<{ status: string }>('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' })).status).toBe(
      'Pending',
    );
    await charger.close();
    expect(await row(identity)).toEqual({ registration_status: 'Pending', security_profile: 1 });
    expect(await upgrade(identity, password)).toBe(101);
    expect(await upgrade(identity, 'another-password-00001')).toBe(401);
    expect(await upgrade(identity)).toBe(401);
  });

  it('refuses a newcomer without a password, or with one too short or too long for a station key, and keeps nothing', async () => {
    for (const password of [undefined, '', 'short-pass', 'x'.repeat(41)]) {
      const identity = anIdentity('NEW');
      expect(await upgrade(identity, password)).toBe(401);
      expect(await row(identity)).toBeUndefined();
    }
  });
});
