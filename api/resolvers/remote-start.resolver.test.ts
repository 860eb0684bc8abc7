import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../../test/api.js';
import { anIdTag, anIdToken } from '../../test/builders.js';
import { anIdentity, bootPayload, connectCharger, type TestCharger } from '../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const start = `mutation($s: String!, $t: String!, $p: JSON) {
  remoteStart(stationIdentity: $s, idTag: $t, connectorId: 1, chargingProfile: $p) { status ocppTransactionId }
}`;

const startPlain = `mutation($s: String!, $t: String!) {
  remoteStart(stationIdentity: $s, idTag: $t, connectorId: 1) { status ocppTransactionId }
}`;

const txProfile = {
  chargingProfileId: 7,
  stackLevel: 0,
  chargingProfilePurpose: 'TxProfile',
  chargingProfileKind: 'Relative',
  chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
};

describe('remoteStart in the API: the credential checked first, an optional TxProfile', () => {
  let system: TestSystem;
  let operator: string;
  let identity: string;
  let charger: TestCharger;
  const received: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'], env: { OCPP_CALL_TIMEOUT: '3' } });
    const org = await anOrganisation(system, 'Remote Start Alpha');
    operator = (await aUser(system, 'OPERATOR', org.organisationId)).token;
    identity = anIdentity('RSTART');
    const created = await system.deps.stations.create({ identity, siteId: org.siteId });
    charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          RemoteStartTransaction: (params) => {
            received.push(params);
            setTimeout(
              () =>
                void charger.call('StartTransaction', {
                  connectorId: params.connectorId ?? 1,
                  idTag: params.idTag,
                  meterStart: 0,
                  timestamp: new Date().toISOString(),
                }),
              30,
            );
            return { status: 'Accepted' };
          },
        },
      },
    );
    await charger.call('BootNotification', bootPayload());
  });
  afterAll(() => system?.close());

  it.each([
    ['Blocked', { status: 'Blocked' as const }],
    ['Expired', { status: 'Expired' as const }],
    ['Expired', { expiresAt: new Date(Date.now() - 60_000) }],
  ])('refuses a %s credential with CREDENTIAL_REFUSED and sends the station nothing', async (status, overrides) => {
    const token = await anIdToken(system, overrides);
    const refused = await gql(system, startPlain, { s: identity, t: token.value }, operator);
    expect(errorCode(refused)).toBe('CREDENTIAL_REFUSED');
    expect(refused.errors?.[0]?.message).toBe(`idTag ${token.value}: the credential is ${status} (credential ${status.toLowerCase()})`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ authorizationStatus: status });
    expect(received).toEqual([]);
  });

  it('refuses an idTag evcms does not know as Invalid, and sends the station nothing', async () => {
    const refused = await gql(system, startPlain, { s: identity, t: anIdTag() }, operator);
    expect(errorCode(refused)).toBe('CREDENTIAL_REFUSED');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ authorizationStatus: 'Invalid' });
    expect(refused.errors?.[0]?.message).toMatch(/the credential is Invalid \(unknown credential\)$/);
    expect(received).toEqual([]);
  });

  it('refuses a charging profile that is not a TxProfile or does not fit the schema, and sends nothing', async () => {
    const token = await anIdToken(system);
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...txProfile, chargingProfilePurpose: 'TxDefaultProfile' },
        /^chargingProfile: a remote start takes a TxProfile; got TxDefaultProfile$/,
      ],
      [{ ...txProfile, chargingSchedule: undefined }, /^chargingProfile: RemoteStartTransaction: .*chargingSchedule/],
      [{ ...txProfile, chargingProfileKind: 'Sometimes' }, /^chargingProfile: RemoteStartTransaction: .*chargingProfileKind/],
      ['16A', /^chargingProfile: RemoteStartTransaction: /],
    ];
    for (const [profile, message] of cases) {
      const refused = await gql(system, start, { s: identity, t: token.value, p: profile }, operator);
      expect(errorCode(refused), JSON.stringify(profile)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toMatch(message);
    }
    expect(received).toEqual([]);
  });

  it('sends an accepted credential, with the TxProfile given, to a strict OCPP 1.6 station', async () => {
    const token = await anIdToken(system);
    const started = await gql<{ remoteStart: { status: string; ocppTransactionId: string } }>(
      system,
      start,
      { s: identity, t: token.value, p: txProfile },
      operator,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data?.remoteStart).toEqual({ status: 'Accepted', ocppTransactionId: expect.stringMatching(/^\d+$/) });
    expect(received).toEqual([{ connectorId: 1, idTag: token.value, chargingProfile: txProfile }]);
    const plain = await anIdToken(system);
    await gql(system, startPlain.replace('connectorId: 1', 'connectorId: 2'), { s: identity, t: plain.value }, operator);
    expect(received.at(-1)).toEqual({ connectorId: 2, idTag: plain.value });
    expect(charger.violations).toEqual([]);
  });
});
