import { randomBytes } from 'node:crypto';
import { credentialTypeOf } from '../auth/credential-type.js';
import { IdToken, User } from '../schema/entities/index.js';
import type { StationIdentity } from '../stations/service.js';
import { aUser, anOrganisation } from './api.js';
import type { TestSystem } from './system.js';

// Rows the API tests read, made the way the gateway would make them, without a charger.

/** A station at a site, as the gateway knows it. */
export async function aStationAt(system: TestSystem, siteId: string, identity: string): Promise<StationIdentity> {
  const { station } = await system.deps.stations.create({ identity, siteId });
  return {
    id: station.id,
    identity,
    organisationId: station.organisation?.id ?? null,
    registrationStatus: station.registrationStatus,
    securityProfile: station.securityProfile,
  };
}

/** An RFID tag owned by a user. */
export async function aTagOf(system: TestSystem, userId: string | null): Promise<IdToken> {
  const em = system.deps.orm.em.fork();
  const token = em.create(IdToken, {
    value: `T${randomBytes(6).toString('hex').toUpperCase()}`,
    type: 'RFID',
    owner: userId ? em.getReference(User, userId) : null,
  });
  await em.flush();
  return token;
}

/** A session started at a station with that tag (its id and OCPP transactionId); stopped too when `stop` is given. */
export async function aSession(
  system: TestSystem,
  station: StationIdentity,
  tag: IdToken,
  options: {
    connectorId?: number;
    startedAt?: Date;
    meterStartWh?: number;
    stop?: { meterStopWh: number; at?: Date; reason?: string };
  } = {},
): Promise<{ id: string; transactionId: string }> {
  const startedAt = options.startedAt ?? new Date();
  const { sessionId, transactionId } = await system.deps.sessions.start(station, {
    connectorId: options.connectorId ?? 1,
    idTag: tag.value,
    credentialType: credentialTypeOf(tag.type),
    meterStartWh: options.meterStartWh ?? 1000,
    startedAt,
    authStatus: 'Accepted',
    idTokenId: tag.id,
    receivedAt: startedAt,
  });
  if (options.stop) {
    const at = options.stop.at ?? new Date(startedAt.getTime() + 3_600_000);
    await system.deps.sessions.stop(station, {
      transactionId,
      meterStopWh: options.stop.meterStopWh,
      stoppedAt: at,
      reason: options.stop.reason ?? 'Local',
      receivedAt: at,
    });
  }
  return { id: sessionId, transactionId };
}

/** Two organisations (each with a site) and, for the permission tests, a user and a token per role. */
export async function twoOrganisations(system: TestSystem, names: [string, string]) {
  const orgA = await anOrganisation(system, names[0]);
  const orgB = await anOrganisation(system, names[1]);
  const users = {
    admin: await aUser(system, 'ADMIN'),
    operatorA: await aUser(system, 'OPERATOR', orgA.organisationId),
    operatorB: await aUser(system, 'OPERATOR', orgB.organisationId),
    driver: await aUser(system, 'DRIVER'),
  };
  const tokens: Record<string, string> = Object.fromEntries(Object.entries(users).map(([role, user]) => [role, user.token]));
  return { orgA, orgB, users, tokens };
}
