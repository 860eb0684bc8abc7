import { expect } from 'vitest';
import type { EventMap, Topic } from '../events/topics.js';
import { ChargingSession, IdToken, type IdTokenStatus, type IdTokenType } from '../schema/entities/index.js';
import { aStation, connectCharger, type TestCharger } from './chargers.js';
import { eventually, type TestSystem } from './system.js';

// Builders of what chargers send and of the rows they are checked against, with overrides; and the
// few reads the handler tests share (anomalies, sessions, the warehouse, the event bus).

let counter = 0;
/** A unique RFID-like idTag (upper-case hex, at most 20 characters as OCPP 1.6 allows). */
export const anIdTag = () => `${(process.pid % 0xffff).toString(16)}${(++counter).toString(16).padStart(4, '0')}A1B2C3`.toUpperCase();

/** A unique 7-byte RFID UID as evcms stores it (14 upper-case hex digits): what `idTokens.create` accepts for RFID. */
export const anRfidUid = () =>
  `${(process.pid % 0xffff).toString(16).padStart(4, '0')}${(++counter).toString(16).padStart(4, '0')}A1B2C3`.toUpperCase();

export interface IdTokenOverrides {
  value?: string;
  type?: IdTokenType;
  status?: IdTokenStatus;
  expiresAt?: Date | null;
  parent?: IdToken | null;
  maxConcurrent?: number;
}

/** Creates a credential in evcms: an Accepted RFID tag unless told otherwise. */
export async function anIdToken(system: TestSystem, overrides: IdTokenOverrides = {}): Promise<IdToken> {
  const em = system.deps.orm.em.fork();
  const token = em.create(IdToken, {
    value: overrides.value ?? anIdTag(),
    type: overrides.type ?? 'RFID',
    status: overrides.status ?? 'Accepted',
    expiresAt: overrides.expiresAt ?? null,
    parent: overrides.parent ? em.getReference(IdToken, overrides.parent.id) : null,
    maxConcurrent: overrides.maxConcurrent ?? 1,
  });
  await em.flush();
  return token;
}

/** Changes a credential the way an operator would, and drops it from the authorization cache. */
export async function updateIdToken(system: TestSystem, token: IdToken, changes: Pick<IdTokenOverrides, 'status' | 'expiresAt'>) {
  await system.deps.orm.em.fork().nativeUpdate(IdToken, { id: token.id }, changes);
  await system.deps.authorization.invalidate(token.value);
}

/** A station created in evcms and a charger connected as it. */
export async function aConnectedCharger(
  system: TestSystem,
): Promise<{ station: Awaited<ReturnType<typeof aStation>>; charger: TestCharger }> {
  const station = await aStation(system);
  const charger = await connectCharger(system, station);
  return { station, charger };
}

export const aStatusNotification = (overrides: Record<string, unknown> = {}) => ({
  connectorId: 1,
  status: 'Available',
  errorCode: 'NoError',
  timestamp: new Date().toISOString(),
  ...overrides,
});

export const aStartTransaction = (overrides: Record<string, unknown> = {}) => ({
  connectorId: 1,
  idTag: anIdTag(),
  meterStart: 1000,
  timestamp: new Date().toISOString(),
  ...overrides,
});

export const aStopTransaction = (overrides: Record<string, unknown> & { transactionId: number }) => ({
  meterStop: 11_000,
  timestamp: new Date().toISOString(),
  reason: 'Local',
  ...overrides,
});

/** One MeterValue entry: the sampled values given, stamped now unless told otherwise. */
export const aMeterValue = (sampledValue: Record<string, unknown>[], timestamp = new Date().toISOString()) => ({ timestamp, sampledValue });

export interface StartedSession {
  transactionId: number;
  idTagInfo: { status: string; parentIdTag?: string; expiryDate?: string };
}

/** Starts a session over OCPP and returns what evcms answered. */
export async function startSession(charger: TestCharger, overrides: Record<string, unknown> = {}): Promise<StartedSession> {
  return charger.call<StartedSession>('StartTransaction', aStartTransaction(overrides));
}

/** Runs SQL against the test system's PostgreSQL database. */
export function sql<T = Record<string, unknown>>(system: TestSystem, query: string, params: unknown[] = []): Promise<T[]> {
  return system.deps.orm.em.fork().getConnection().execute<T[]>(query, params);
}

/** The session behind an OCPP 1.6 transactionId (evcms issues each once), as stored. */
export const sessionRow = (system: TestSystem, transactionId: number | string) =>
  system.deps.orm.em.fork().findOneOrFail(ChargingSession, { transactionId: String(transactionId) }, { populate: ['station'] });

/** The kinds of anomaly recorded for a station, oldest first. */
export async function anomalyKinds(system: TestSystem, stationId: string): Promise<string[]> {
  const rows = await sql<{ kind: string }>(system, 'select kind from anomaly where station_id = ? order by id', [stationId]);
  return rows.map((r) => r.kind);
}

/** Every event of a topic published from now on, and a way to wait for the one a test expects. */
export async function listenTo<T extends Topic>(system: TestSystem, topic: T) {
  const events: EventMap[T][] = [];
  const stop = await system.deps.events.subscribe(topic, (event) => events.push(event));
  return {
    events,
    stop,
    next: (match: (event: EventMap[T]) => boolean) => eventually(() => events.find(match)),
  };
}

export interface WarehouseSampleRow {
  session_id: string | null;
  transaction_id: string | null;
  measurand: string;
  phase: string;
  unit: string;
  value: number;
  source: string;
}

/** Waits for the telemetry sink to write what is buffered, then reads a station's samples (deduplicated). */
export async function warehouseSamples(system: TestSystem, identity: string): Promise<WarehouseSampleRow[]> {
  expect(await system.workers!.sink.drain()).toBe(true);
  const { warehouse } = system.deps;
  const result = await warehouse.client.query({
    query: `SELECT session_id, transaction_id, measurand, phase, unit, value, source FROM ${warehouse.table('meter_values')} FINAL
            WHERE station = '${identity.replaceAll("'", "\\'")}' ORDER BY ts, measurand, phase, sample_id`,
    format: 'JSONEachRow',
  });
  return (await result.json()) as WarehouseSampleRow[];
}
