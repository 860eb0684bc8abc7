import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aConnectedCharger } from '../../../test/builders.js';
import { Station } from '../../../schema/entities/index.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';

describe('DiagnosticsStatusNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  const stationRow = (id: string) => system.deps.orm.em.fork().findOneOrFail(Station, { id });

  it.each(['Idle', 'Uploaded', 'UploadFailed', 'Uploading'])('records %s as the diagnostics status and answers {}', async (status) => {
    const { station, charger } = await aConnectedCharger(system);
    const before = Date.now();
    expect(await charger.call('DiagnosticsStatusNotification', { status })).toEqual({});
    const row = await stationRow(station.id);
    expect(row.diagnosticsStatus).toBe(status);
    expect(row.diagnosticsStatusAt!.getTime()).toBeGreaterThanOrEqual(before - 50);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('keeps the latest status of an upload as it progresses', async () => {
    const { station, charger } = await aConnectedCharger(system);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' });
    const uploadingAt = (await stationRow(station.id)).diagnosticsStatusAt!;
    await new Promise((r) => setTimeout(r, 5));
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    const row = await stationRow(station.id);
    expect(row.diagnosticsStatus).toBe('Uploaded');
    expect(row.diagnosticsStatusAt!.getTime()).toBeGreaterThan(uploadingAt.getTime());
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('changes neither the firmware status nor another station', async () => {
    const mine = await aConnectedCharger(system);
    const other = await aConnectedCharger(system);
    await mine.charger.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
    expect(await stationRow(mine.station.id)).toMatchObject({ diagnosticsStatus: 'UploadFailed', firmwareStatus: null });
    expect(await stationRow(other.station.id)).toMatchObject({ diagnosticsStatus: null, diagnosticsStatusAt: null });
    for (const { charger } of [mine, other]) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
  });
});
