import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../../schema/entities/index.js';
import { aConnectedCharger } from '../../../test/builders.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('SignedFirmwareStatusNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it.each(['InvalidSignature', 'SignatureVerified', 'InstallRebooting', 'Installed'])(
    'records %s as the firmware status and answers {}, with no campaign to move',
    async (status) => {
      const { station, charger } = await aConnectedCharger(system);
      expect(await charger.call('SignedFirmwareStatusNotification', { status, requestId: 7 })).toEqual({});
      const row = await system.deps.orm.em.fork().findOneOrFail(Station, { id: station.id });
      expect(row.firmwareStatus).toBe(status);
      expect(charger.violations).toEqual([]);
      await charger.close();
    },
  );
});
