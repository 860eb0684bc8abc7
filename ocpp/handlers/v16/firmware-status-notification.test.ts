import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger } from '../../../test/builders.js';
import { Station } from '../../../schema/entities/index.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('FirmwareStatusNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const stationRow = (id: string) => system.deps.orm.em.fork().findOneOrFail(Station, { id });

  it.each(['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed'])(
    'records %s as the firmware status and answers {}',
    async (status) => {
      const { station, charger } = await aConnectedCharger(system);
      const before = Date.now();
      expect(await charger.call('FirmwareStatusNotification', { status })).toEqual({});
      const row = await stationRow(station.id);
      expect(row.firmwareStatus).toBe(status);
      expect(row.firmwareStatusAt!.getTime()).toBeGreaterThanOrEqual(before - 50);
      expect(charger.violations).toEqual([]);
      await charger.close();
    },
  );

  it('follows an update from download to installation, keeping the latest step', async () => {
    const { station, charger } = await aConnectedCharger(system);
    const steps = ['Downloading', 'Downloaded', 'Installing', 'Installed'];
    const seen: string[] = [];
    for (const status of steps) {
      await charger.call('FirmwareStatusNotification', { status });
      seen.push((await stationRow(station.id)).firmwareStatus!);
    }
    expect(seen).toEqual(steps);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('changes neither the diagnostics status nor another station', async () => {
    const mine = await aConnectedCharger(system);
    const other = await aConnectedCharger(system);
    await mine.charger.call('FirmwareStatusNotification', { status: 'InstallationFailed' });
    expect(await stationRow(mine.station.id)).toMatchObject({ firmwareStatus: 'InstallationFailed', diagnosticsStatus: null });
    expect(await stationRow(other.station.id)).toMatchObject({ firmwareStatus: null, firmwareStatusAt: null });
    for (const { charger } of [mine, other]) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
  });
});
