import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, bootPayload, connectCharger } from '../../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../../test/system.js';
import { Station } from '../../../schema/entities/index.js';
import { StationNotAcceptedError } from '../../rpc/errors.js';

describe('BootNotification', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'], env: { OCPP_HEARTBEAT_INTERVAL: '120' } });
  });
  afterAll(() => system?.close());

  it('accepts a known station, with the heartbeat interval and the time', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station);
    const before = Date.now();
    const answer = await charger.call<{ status: string; interval: number; currentTime: string }>('BootNotification', bootPayload());
    expect(answer.status).toBe('Accepted');
    expect(answer.interval).toBe(120);
    expect(Math.abs(Date.parse(answer.currentTime) - before)).toBeLessThan(5000);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('records what the station says it is, and the boot in its history', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station);
    await charger.call('BootNotification', bootPayload({ chargePointModel: 'Volt 50', iccid: '8925000000000000001', meterType: 'EM340' }));
    const row = await system.deps.orm.em.fork().findOneOrFail(Station, { identity: station.identity });
    expect(row).toMatchObject({
      vendor: 'Acme',
      model: 'Volt 50',
      firmwareVersion: '1.2.3',
      iccid: '8925000000000000001',
      meterType: 'EM340',
      ocppVersion: '1.6',
    });
    expect(row.lastBootAt).toBeInstanceOf(Date);
    const boots = await system.deps.orm.em.fork().getConnection().execute('select answered from boot_event where station_id = ?', [row.id]);
    expect(boots).toEqual([{ answered: 'Accepted' }]);
    await charger.close();
  });

  it('keeps a serial number padded with NUL characters, without them (PostgreSQL text cannot hold them)', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station);
    const answer = await charger.call<{ status: string }>(
      'BootNotification',
      bootPayload({ chargePointSerialNumber: 'SN-42\u0000\u0000\u0000' }),
    );
    expect(answer.status).toBe('Accepted');
    const row = await system.deps.orm.em.fork().findOneOrFail(Station, { identity: station.identity });
    expect(row.chargePointSerial).toBe('SN-42');
    // An idTag with one is answered too (Invalid: no such credential), not refused with InternalError.
    const authorize = await charger.call<{ idTagInfo: { status: string } }>('Authorize', { idTag: 'TAG\u0000' });
    expect(authorize.idTagInfo.status).toBe('Invalid');
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('answers Pending to a station awaiting approval, refuses its other messages, and Accepted once approved', async () => {
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const charger = await connectCharger(system, station);
    const pending = await charger.call<{ status: string; interval: number }>('BootNotification', bootPayload());
    expect(pending.status).toBe('Pending');
    await expect(charger.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' })).rejects.toMatchObject({
      rpcErrorCode: 'SecurityError',
    });
    await system.deps.stations.setRegistration(station.id, 'Accepted');
    const accepted = await charger.call<{ status: string }>('BootNotification', bootPayload());
    expect(accepted.status).toBe('Accepted');
    await charger.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('takes from a Pending station the message it was asked for with TriggerMessage', async () => {
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const charger = await connectCharger(system, station, { handlers: { TriggerMessage: () => ({ status: 'Accepted' }) } });
    expect((await charger.call<{ status: string }>('BootNotification', bootPayload())).status).toBe('Pending');
    const status = { connectorId: 1, status: 'Available', errorCode: 'NoError' };
    await expect(charger.call('StatusNotification', status)).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    await system.deps.stationCommands.send(station.identity, 'TriggerMessage', { requestedMessage: 'StatusNotification' });
    expect(await charger.call('StatusNotification', status)).toEqual({});
    expect(await charger.call('StatusNotification', { ...status, connectorId: 2 })).toEqual({});
    const meterValue = [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '10' }] }];
    await expect(charger.call('MeterValues', { connectorId: 1, meterValue })).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('sends a Pending station no RemoteStartTransaction or RemoteStopTransaction', async () => {
    const station = await aStation(system);
    await system.deps.stations.setRegistration(station.id, 'Pending');
    const asked: string[] = [];
    const answer = (action: string) => () => {
      asked.push(action);
      return { status: 'Accepted' };
    };
    const charger = await connectCharger(system, station, {
      handlers: { RemoteStartTransaction: answer('RemoteStartTransaction'), RemoteStopTransaction: answer('RemoteStopTransaction') },
    });
    expect((await charger.call<{ status: string }>('BootNotification', bootPayload())).status).toBe('Pending');
    const send = system.deps.stationCommands.send.bind(system.deps.stationCommands);
    await expect(send(station.identity, 'RemoteStartTransaction', { idTag: 'ABC' })).rejects.toBeInstanceOf(StationNotAcceptedError);
    await expect(send(station.identity, 'RemoteStopTransaction', { transactionId: 1 })).rejects.toBeInstanceOf(StationNotAcceptedError);
    expect(asked).toEqual([]);
    await system.deps.stations.setRegistration(station.id, 'Accepted');
    expect((await charger.call<{ status: string }>('BootNotification', bootPayload())).status).toBe('Accepted');
    expect(await send(station.identity, 'RemoteStartTransaction', { idTag: 'ABC' })).toEqual({ status: 'Accepted' });
    expect(asked).toEqual(['RemoteStartTransaction']);
    await charger.close();
  });
});
