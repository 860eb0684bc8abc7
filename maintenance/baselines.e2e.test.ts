import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../test/api.js';
import { bootPayload, connectCharger, type TestCharger } from '../test/chargers.js';
import { sql } from '../test/builders.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

/** What the charger holds: read by GetConfiguration, changed by ChangeConfiguration as a real charger answers. */
const aChargersConfiguration = () => ({
  HeartbeatInterval: { value: '900', readonly: false, answer: 'Accepted' },
  MeterValueSampleInterval: { value: '60', readonly: false, answer: 'Accepted' },
  MeterValuesSampledData: { value: 'Energy.Active.Import.Register, Power.Active.Import', readonly: false, answer: 'Accepted' },
  ConnectionTimeOut: { value: '30', readonly: false, answer: 'RebootRequired' },
  LocalAuthListEnabled: { value: 'false', readonly: true, answer: 'Rejected' },
  WebSocketPingInterval: { value: '30', readonly: false, answer: 'Accepted' },
});

describe('configuration baselines, end to end', () => {
  let system: TestSystem;
  let org: { organisationId: string; siteId: string };
  let operator: { token: string };
  const chargers: TestCharger[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ env: { CONFIGURATION_READ_DELAY: '0' } });
    org = await anOrganisation(system);
    operator = await aUser(system, 'OPERATOR', org.organisationId);
  });
  afterAll(async () => {
    for (const charger of chargers) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
    await system?.close();
  });

  const setBaseline = (input: Record<string, unknown>) =>
    gql<{ setConfigurationBaseline: { model: string; keys: { key: string; value: string }[] } }>(
      system,
      'mutation($input: ConfigurationBaselineInput!) { setConfigurationBaseline(input: $input) { model keys { key value } maxPowerW } }',
      { input },
      operator.token,
    );
  const driftOf = async (identity: string) => {
    const result = await gql<{
      station: { configurationDrift: { key: string; wanted: string; reported: string | null; state: string }[] };
    }>(
      system,
      'query($identity: String!) { station(identity: $identity) { configurationDrift { key wanted reported state } } }',
      { identity },
      operator.token,
    );
    expect(result.errors).toBeUndefined();
    return result.data?.station.configurationDrift;
  };

  /** A charger of the organisation's model that boots, and answers configuration calls from `held`. */
  const aBootedCharger = async (held: ReturnType<typeof aChargersConfiguration>) => {
    const identity = `BL-${process.pid}-${chargers.length}`;
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId: org.siteId });
    const changes: string[] = [];
    const charger = await connectCharger(
      system,
      { identity, password: ocppPassword },
      {
        handlers: {
          GetConfiguration: () => ({
            configurationKey: Object.entries(held).map(([key, k]) => ({ key, value: k.value, readonly: k.readonly })),
          }),
          ChangeConfiguration: ({ key, value }) => {
            changes.push(`${key}=${value}`);
            const known = held[key as keyof typeof held];
            if (!known) return { status: 'NotSupported' };
            if (known.answer !== 'Rejected') known.value = String(value);
            return { status: known.answer };
          },
        },
      },
    );
    chargers.push(charger);
    await charger.call('BootNotification', bootPayload({ chargePointModel: 'Volt 22' }));
    return { identity, charger, changes };
  };

  it('reads the configuration after boot, shows the drift from the model baseline, and pushes it key by key', async () => {
    const saved = await setBaseline({
      model: 'volt 22',
      keys: [
        { key: 'HeartbeatInterval', value: '300' },
        { key: 'MeterValueSampleInterval', value: '60' },
        { key: 'MeterValuesSampledData', value: 'Energy.Active.Import.Register,Power.Active.Import' },
        { key: 'ConnectionTimeOut', value: '45' },
        { key: 'LocalAuthListEnabled', value: 'true' },
        { key: 'VendorLedBrightness', value: '80' },
        { key: 'WebSocketPingInterval', value: '60' },
      ],
      maxPowerW: 22_000,
    });
    expect(saved.errors).toBeUndefined();
    // A station of a model without a baseline boots first: it is not asked for its configuration.
    const otherIdentity = `BL-${process.pid}-other`;
    const other = await system.deps.stations.create({ identity: otherIdentity, siteId: org.siteId });
    const otherCharger = await connectCharger(system, { identity: otherIdentity, password: other.ocppPassword });
    chargers.push(otherCharger);
    await otherCharger.call('BootNotification', bootPayload({ chargePointModel: 'Other 1' }));
    const held = aChargersConfiguration();
    const { identity, changes } = await aBootedCharger(held);
    // GetConfiguration after the boot, off the OCPP path: the keys land as the station's last known configuration.
    await eventually(async () => {
      const rows = await sql(system, 'select 1 from configuration_key k join station s on s.id = k.station_id where s.identity = ?', [
        identity,
      ]);
      return rows.length === 6;
    });
    expect(await sql(system, `select action from command_log where station_id = ?`, [other.station.id])).toEqual([]);
    expect(await driftOf(identity)).toEqual([
      { key: 'ConnectionTimeOut', wanted: '45', reported: '30', state: 'differs' },
      { key: 'HeartbeatInterval', wanted: '300', reported: '900', state: 'differs' },
      { key: 'LocalAuthListEnabled', wanted: 'true', reported: 'false', state: 'differs' },
      { key: 'VendorLedBrightness', wanted: '80', reported: null, state: 'missing' },
      { key: 'WebSocketPingInterval', wanted: '60', reported: '30', state: 'differs' },
    ]);
    // Someone sets one key at the station itself: applying reads the keys again first, and leaves that one alone.
    held.WebSocketPingInterval.value = '60';

    const applied = await gql<{ applyConfigurationBaseline: { keys: { key: string; status: string }[]; rebootRequired: boolean } }>(
      system,
      'mutation($identity: String!) { applyConfigurationBaseline(stationIdentity: $identity) { keys { key status error } rebootRequired } }',
      { identity },
      operator.token,
    );
    expect(applied.errors).toBeUndefined();
    expect(applied.data?.applyConfigurationBaseline).toEqual({
      keys: [
        { key: 'ConnectionTimeOut', status: 'RebootRequired', error: null },
        { key: 'HeartbeatInterval', status: 'Accepted', error: null },
        { key: 'LocalAuthListEnabled', status: 'Rejected', error: null },
        { key: 'VendorLedBrightness', status: 'NotSupported', error: null },
      ],
      rebootRequired: true,
    });
    expect(changes).toEqual(['ConnectionTimeOut=45', 'HeartbeatInterval=300', 'LocalAuthListEnabled=true', 'VendorLedBrightness=80']);
    // What the station took is known now; what it refused still drifts.
    expect((await driftOf(identity))?.map((d) => d.key)).toEqual(['LocalAuthListEnabled', 'VendorLedBrightness']);
    const audited = await sql<{ actor: string }>(
      system,
      `select distinct c.actor from command_log c join station s on s.id = c.station_id where s.identity = ? and c.action = 'ChangeConfiguration'`,
      [identity],
    );
    expect(audited).toHaveLength(1);
    expect(audited[0]?.actor).not.toBe('system');
  });

  it('replaces a model baseline, lists only the organisation’s, and refuses a bad one naming its field', async () => {
    expect((await setBaseline({ model: 'Volt 22', keys: [{ key: 'HeartbeatInterval', value: '600' }] })).errors).toBeUndefined();
    const listed = await gql<{ configurationBaselines: { model: string; keys: { key: string }[]; maxPowerW: number | null }[] }>(
      system,
      '{ configurationBaselines { model keys { key } maxPowerW } }',
      {},
      operator.token,
    );
    expect(listed.data?.configurationBaselines).toEqual([{ model: 'Volt 22', keys: [{ key: 'HeartbeatInterval' }], maxPowerW: null }]);
    const other = await aUser(system, 'OPERATOR', (await anOrganisation(system)).organisationId);
    expect((await gql(system, '{ configurationBaselines { model } }', {}, other.token)).data).toEqual({ configurationBaselines: [] });
    const bad = await setBaseline({ model: 'Volt 22', keys: [{ key: 'AuthorizationKey', value: '00' }] });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/^keys\.0\.key: AuthorizationKey/);
  });

  it('refuses to apply to a station whose model has no baseline', async () => {
    const identity = `BL-${process.pid}-none`;
    await system.deps.stations.create({ identity, siteId: org.siteId });
    const result = await gql(
      system,
      'mutation($identity: String!) { applyConfigurationBaseline(stationIdentity: $identity) { rebootRequired } }',
      {
        identity,
      },
      operator.token,
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/^stationIdentity: no configuration baseline for model/);
  });
});
