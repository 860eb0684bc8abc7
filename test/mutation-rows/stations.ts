import { aCard, everyone, type OperationRow, type PermissionWorld, type PrincipalName, staffAndPartners, unique } from '../permissions.js';
import { command as commandTo, type MutationWorld } from './common.js';

const drivers: PrincipalName[] = ['driver', 'otherDriver'];
const hexTag = () => `${unique()}`.toUpperCase();

/** A new station of organisation A, for a change made to it alone. */
const aStationOfA = async (w: PermissionWorld, registrationStatus: 'Accepted' | 'Pending' = 'Accepted') =>
  (await w.system.deps.stations.create({ identity: `PERM-T-${unique()}`, siteId: w.siteA, registrationStatus })).station.identity;

/** Credentials, stations and their lifecycle, charging from the app, and remote operations on station A. */
export function stationRows({ w, reservationId }: MutationWorld): Record<string, OperationRow> {
  const command = (document: string, extra: Record<string, unknown> = {}) => commandTo(w, document, extra);
  /** A change to a station of organisation A made for this attempt alone. */
  const stationChange = (document: string, registrationStatus: 'Accepted' | 'Pending' = 'Accepted'): OperationRow => ({
    document,
    variables: async () => ({ identity: await aStationOfA(w, registrationStatus) }),
    expect: staffAndPartners('ok'),
  });
  const profile = {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  };

  return {
    // Credentials: drivers make and block their own.
    createIdToken: {
      document: 'mutation($input: CreateIdTokenInput!) { createIdToken(input: $input) { id } }',
      variables: (who) => ({ input: { value: hexTag(), type: 'RFID', ...(drivers.includes(who) ? {} : { organisationId: w.orgA }) } }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'ok' },
    },
    updateIdToken: {
      document: 'mutation($id: ID!) { updateIdToken(id: $id, input: { status: Blocked }) { status } }',
      variables: async () => ({ id: (await aCard(w.system, w.orgA, w.people.driver.id)).id }),
      expect: { ...staffAndPartners('ok'), driver: 'ok', otherDriver: 'NOT_FOUND' },
    },

    // Stations: creation and lifecycle.
    createStation: {
      document: 'mutation($input: CreateStationInput!) { createStation(input: $input) { station { identity } } }',
      variables: () => ({ input: { identity: `PERM-N-${unique()}`, siteId: w.siteA } }),
      expect: staffAndPartners('ok'),
    },
    updateStation: stationChange(
      'mutation($identity: String!) { updateStation(identity: $identity, input: { name: "Renamed" }) { name } }',
    ),
    retireStation: stationChange('mutation($identity: String!) { retireStation(identity: $identity) { retiredAt } }'),
    rotateStationPassword: stationChange('mutation($identity: String!) { rotateStationPassword(identity: $identity) { pushed } }'),
    acceptStation: stationChange('mutation($identity: String!) { acceptStation(identity: $identity) { bootTrigger } }', 'Pending'),
    rejectStation: stationChange('mutation($identity: String!) { rejectStation(identity: $identity) { bootTrigger } }', 'Pending'),

    // Charging from the app, and stopping a session.
    startCharging: {
      document: 'mutation($station: String!) { startCharging(stationIdentity: $station) { id } }',
      variables: () => ({ station: w.stationA.identity }),
      expect: { ...everyone('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', driver: 'STATION_OFFLINE', otherDriver: 'STATION_OFFLINE' },
    },
    stopCharging: {
      document: 'mutation($id: ID!) { stopCharging(sessionId: $id) { id } }',
      variables: () => ({ id: w.driverSession }),
      expect: { ...staffAndPartners('STATION_OFFLINE'), driver: 'STATION_OFFLINE', otherDriver: 'NOT_FOUND' },
    },

    // Remote operations on station A.
    // A card of its own: the driver's has a session open, and a remote start checks the credential first.
    remoteStart: {
      ...command(
        'mutation($station: String!, $tag: String!) { remoteStart(stationIdentity: $station, idTag: $tag, connectorId: 1) { status } }',
      ),
      variables: async () => ({ station: w.stationA.identity, tag: (await aCard(w.system, w.orgA, null)).value }),
    },
    remoteStop: command('mutation($session: ID!) { remoteStop(sessionId: $session) { status } }', { session: w.staffSession }),
    resetStation: command('mutation($station: String!) { resetStation(stationIdentity: $station, type: SOFT) { status } }'),
    unlockConnector: command('mutation($station: String!) { unlockConnector(stationIdentity: $station, connectorId: 1) { status } }'),
    changeAvailability: command(
      'mutation($station: String!) { changeAvailability(stationIdentity: $station, connectorId: 0, type: OPERATIVE) { status } }',
    ),
    clearCache: command('mutation($station: String!) { clearCache(stationIdentity: $station) { status } }'),
    clearAuthorizationCache: command('mutation($station: String!) { clearAuthorizationCache(stationIdentity: $station) }'),
    triggerMessage: command(
      'mutation($station: String!) { triggerMessage(stationIdentity: $station, requestedMessage: HEARTBEAT) { status } }',
    ),
    dataTransfer: command('mutation($station: String!) { dataTransfer(stationIdentity: $station, vendorId: "evcms") { status } }'),
    getConfiguration: command('mutation($station: String!) { getConfiguration(stationIdentity: $station) { unknownKeys } }'),
    changeConfiguration: command(
      'mutation($station: String!) { changeConfiguration(stationIdentity: $station, key: "HeartbeatInterval", value: "300") { status } }',
    ),
    getLocalListVersion: command('mutation($station: String!) { getLocalListVersion(stationIdentity: $station) { listVersion } }'),
    sendLocalList: command('mutation($station: String!) { sendLocalList(stationIdentity: $station, updateType: Full) { status } }'),
    pushLocalList: command('mutation($station: String!) { pushLocalList(stationIdentity: $station) { status } }'),
    getDiagnostics: command(
      'mutation($station: String!) { getDiagnostics(stationIdentity: $station, location: "https://example.com/diagnostics") { fileName } }',
    ),
    updateFirmware: command(
      'mutation($station: String!) { updateFirmware(stationIdentity: $station, location: "https://example.com/firmware.bin") { action } }',
    ),
    reserveNow: command(
      `mutation($station: String!, $tag: String!, $until: DateTimeISO!) {
        reserveNow(stationIdentity: $station, connectorId: 1, idTag: $tag, expiresAt: $until) { reservationId }
      }`,
      { tag: w.driverTag.value, until: new Date(Date.now() + 3_600_000).toISOString() },
    ),
    cancelReservation: command(
      'mutation($station: String!, $id: Int!) { cancelReservation(stationIdentity: $station, reservationId: $id) { status } }',
      { id: reservationId },
    ),
    setChargingProfile: command(
      'mutation($station: String!, $profile: JSON!) { setChargingProfile(stationIdentity: $station, connectorId: 0, profile: $profile) { status } }',
      { profile },
    ),
    clearChargingProfile: command('mutation($station: String!) { clearChargingProfile(stationIdentity: $station) { status } }'),
    getCompositeSchedule: command(
      'mutation($station: String!) { getCompositeSchedule(stationIdentity: $station, connectorId: 1, duration: 3600) { status } }',
    ),
  };
}
