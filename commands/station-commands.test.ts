import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aStation, bootPayload, connectCharger } from '../test/chargers.js';
import { startTestSystem, type TestSystem } from '../test/system.js';
import { changeConfiguration, getConfiguration } from './configuration.js';
import { getLocalListVersion, sendLocalList } from './local-list.js';
import { remoteStart } from './remote-start.js';
import { cancelReservation, reserveNow } from './reservations.js';
import { rotateStationPassword } from './rotate-password.js';
import { commandVersion, UnknownStationError, UnsupportedVersionError } from './station-commands.js';

describe('commands to a station', () => {
  let system: TestSystem;
  const sql = () => system.deps.orm.em.fork().getConnection();
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp'] });
  });
  afterAll(() => system?.close());

  it('returns the answer, audits the command and announces the result', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, { handlers: { Reset: () => ({ status: 'Accepted' }) } });
    const results: unknown[] = [];
    const unsubscribe = await system.deps.events.subscribe('command.result', (e) => results.push(e));
    const answer = await system.deps.stationCommands.send(station.identity, 'Reset', { type: 'Soft' }, { actor: 'user-1' });
    expect(answer).toEqual({ status: 'Accepted' });
    const audit = await sql().execute('select action, request, response, outcome, actor from command_log where station_id = ?', [
      station.id,
    ]);
    expect(audit).toEqual([
      { action: 'Reset', request: { type: 'Soft' }, response: { status: 'Accepted' }, outcome: 'ok', actor: 'user-1' },
    ]);
    await expect.poll(() => results).toContainEqual(expect.objectContaining({ identity: station.identity, action: 'Reset', status: 'ok' }));
    unsubscribe();
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('fails at once for a station that is offline, and audits that too', async () => {
    const station = await aStation(system);
    await expect(system.deps.stationCommands.send(station.identity, 'ClearCache', {})).rejects.toThrow(/not connected/);
    const audit = await sql().execute('select outcome from command_log where station_id = ?', [station.id]);
    expect(audit).toEqual([{ outcome: 'offline' }]);
  });

  it('says which station does not exist', async () => {
    await expect(system.deps.stationCommands.send('NO-SUCH-STATION', 'ClearCache', {})).rejects.toBeInstanceOf(UnknownStationError);
  });

  it('sends a station on OCPP 2.0.1 no 1.6 frame: a clear "not supported yet", audited', async () => {
    const station = await aStation(system);
    let resets = 0;
    const charger = await connectCharger(system, station, {
      handlers: {
        Reset: () => {
          resets++;
          return { status: 'Accepted' };
        },
      },
    });
    await sql().execute(`update station set ocpp_version = '2.0.1' where id = ?`, [station.id]);
    const sending = system.deps.stationCommands.send(station.identity, 'Reset', { type: 'Soft' });
    await expect(sending).rejects.toBeInstanceOf(UnsupportedVersionError);
    await expect(sending).rejects.toThrow('OCPP 2.0.1 is not supported yet for commands');
    expect(resets).toBe(0);
    const audit = await sql().execute('select outcome from command_log where station_id = ?', [station.id]);
    expect(audit).toEqual([{ outcome: 'unsupported-version' }]);
    await charger.close();
  });

  it.each([
    [null, 'ocpp1.6'],
    ['1.6', 'ocpp1.6'],
    ['OCPP1.6', 'ocpp1.6'],
  ])('sends commands to a station on %s in %s', (recorded, version) => {
    expect(commandVersion(recorded)).toBe(version);
  });

  it('keeps the configuration keys a station reports, and an accepted change', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, {
      handlers: {
        GetConfiguration: () => ({
          configurationKey: [
            { key: 'HeartbeatInterval', readonly: false, value: '300' },
            { key: 'NumberOfConnectors', readonly: true, value: '2' },
          ],
          unknownKey: ['Nope'],
        }),
        ChangeConfiguration: () => ({ status: 'Accepted' }),
      },
    });
    const deps = { commands: system.deps.stationCommands, orm: system.deps.orm };
    const read = await getConfiguration(deps, station.identity, ['HeartbeatInterval', 'NumberOfConnectors', 'Nope']);
    expect(read.unknownKey).toEqual(['Nope']);
    await changeConfiguration(deps, station.identity, 'HeartbeatInterval', '600');
    const keys = await sql().execute('select key, value, readonly from configuration_key where station_id = ? order by key', [station.id]);
    expect(keys).toEqual([
      { key: 'HeartbeatInterval', value: '600', readonly: false },
      { key: 'NumberOfConnectors', value: '2', readonly: true },
    ]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('gives a reservation an id, records the answer, and cancels it', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, {
      handlers: { ReserveNow: () => ({ status: 'Accepted' }), CancelReservation: () => ({ status: 'Accepted' }) },
    });
    const deps = { commands: system.deps.stationCommands, orm: system.deps.orm };
    const reserved = await reserveNow(deps, station.identity, {
      connectorId: 1,
      idTag: 'RESERVER',
      expiresAt: new Date(Date.now() + 900_000),
    });
    expect(reserved.status).toBe('Accepted');
    expect(await sql().execute('select status from reservation where id = ?', [reserved.reservationId])).toEqual([{ status: 'Accepted' }]);
    await cancelReservation(deps, station.identity, reserved.reservationId);
    expect(await sql().execute('select status from reservation where id = ?', [reserved.reservationId])).toEqual([{ status: 'Cancelled' }]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('returns the session of a remote start once the station has started the session', async () => {
    const station = await aStation(system);
    let startCall: Promise<unknown> = Promise.resolve();
    const charger = await connectCharger(system, station, {
      handlers: {
        RemoteStartTransaction: (params) => {
          setTimeout(() => {
            startCall = charger.call('StartTransaction', {
              connectorId: 1,
              idTag: params.idTag,
              meterStart: 100,
              timestamp: new Date().toISOString(),
            });
          }, 50);
          return { status: 'Accepted' };
        },
      },
    });
    await charger.call('BootNotification', bootPayload());
    const result = await remoteStart({ commands: system.deps.stationCommands, events: system.deps.events }, station.identity, {
      idTag: 'APPTOKEN1',
      connectorId: 1,
    });
    expect(result.status).toBe('Accepted');
    expect(Number(result.transactionId)).toBeGreaterThan(0);
    const rows = await sql().execute('select id_tag, transaction_id from charging_session where id = ?', [result.sessionId]);
    expect(rows).toEqual([{ id_tag: 'APPTOKEN1', transaction_id: result.transactionId }]);
    await expect(startCall).resolves.toMatchObject({ transactionId: Number(result.transactionId) });
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it('sends the local list with the next version and keeps it once accepted', async () => {
    const station = await aStation(system);
    const charger = await connectCharger(system, station, {
      handlers: { SendLocalList: () => ({ status: 'Accepted' }), GetLocalListVersion: () => ({ listVersion: 7 }) },
    });
    const deps = { commands: system.deps.stationCommands, orm: system.deps.orm };
    const first = await sendLocalList(deps, station.identity, 'Full', [{ idTag: 'AAA', idTagInfo: { status: 'Accepted' } }]);
    const second = await sendLocalList(deps, station.identity, 'Differential', [{ idTag: 'AAA', idTagInfo: { status: 'Blocked' } }]);
    expect([first.listVersion, second.listVersion]).toEqual([1, 2]);
    // Sent at once (two credentials blocked in quick succession), they still carry versions one after the other.
    const together = await Promise.all(
      ['BBB', 'CCC'].map((idTag) => sendLocalList(deps, station.identity, 'Differential', [{ idTag, idTagInfo: { status: 'Blocked' } }])),
    );
    expect(together.map((r) => r.listVersion)).toEqual([3, 4]);
    expect(await getLocalListVersion(deps, station.identity)).toBe(7);
    expect(await sql().execute('select local_list_version from station where id = ?', [station.id])).toEqual([{ local_list_version: 7 }]);
    expect(charger.violations).toEqual([]);
    await charger.close();
  });

  it.each(['new', 'old'] as const)(
    'never locks out a station whose answer to a new password was lost: the %s password it logs in with holds',
    async (which) => {
      const station = await aStation(system);
      const old = station.password as string;
      // A station that takes the key but whose answer never arrives.
      const charger = await connectCharger(system, station, { handlers: { ChangeConfiguration: () => new Promise(() => {}) } });
      const deps = { commands: system.deps.stationCommands, orm: system.deps.orm, stations: system.deps.stations };
      const rotation = await rotateStationPassword(deps, station, { timeoutMs: 300 });
      expect(rotation.outcome).toBe('unconfirmed');
      const fresh = (rotation as { password: string }).password;
      const admits = async (password: string) => (await system.deps.stations.admit(station.identity, password, false)).ok;
      const [used, other] = which === 'new' ? [fresh, old] : [old, fresh];
      expect(await admits(used)).toBe(true);
      expect(await admits(other)).toBe(false);
      expect(await admits(used)).toBe(true);
      await charger.close();
    },
  );
});
