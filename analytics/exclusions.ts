import { clickHouseTime } from './scope.js';
import { randomUUID } from 'node:crypto';
import type { Sql } from '../database/sql.js';
import { type ExclusionCause, exclusionCauses } from '../schema/entities/analytics.js';
import type { FactWriter } from './fact-writer.js';

/** One row of the warehouse's outage_exclusions table. */
export interface ExclusionRow {
  exclusion_id: string;
  station: string;
  connector_id: number;
  organisation_id: string | null;
  cause: string;
  started_at: string;
  ended_at: string;
  deleted: number;
  version: number;
}

export class ExclusionError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface ExclusionInput {
  stationId: string;
  organisationId: string;
  connectorId: number;
  cause: string;
  from: Date;
  to: Date;
  note?: string | null | undefined;
  recordedBy: string;
}

export interface Exclusion extends ExclusionInput {
  id: string;
  cause: ExclusionCause;
  recordedAt: Date;
}

const yearMs = 366 * 86_400_000;

/** The warehouse rows of these exclusions, from PostgreSQL. */
export async function exclusionRows(sql: Sql, ids: string[], version: () => number): Promise<ExclusionRow[]> {
  if (ids.length === 0) return [];
  const result = await sql.query<{
    id: string;
    identity: string;
    connector_id: number;
    organisation_id: string;
    cause: string;
    started_at: Date;
    ended_at: Date;
  }>(
    `select x.id, st.identity, x.connector_id, x.organisation_id, x.cause, x.started_at, x.ended_at
     from outage_exclusion x join station st on st.id = x.station_id where x.id = any($1::uuid[])`,
    [ids],
  );
  return result.rows.map((r) => ({
    exclusion_id: r.id,
    station: r.identity,
    connector_id: r.connector_id,
    organisation_id: r.organisation_id,
    cause: r.cause,
    started_at: clickHouseTime(r.started_at),
    ended_at: clickHouseTime(r.ended_at),
    deleted: 0,
    version: version(),
  }));
}

/**
 * Records a period excluded from a port's uptime (connectorId 0: every port of the station), in PostgreSQL
 * and then in the warehouse (the sweep copies it again should that write fail). Exclusions of one station do
 * not overlap, so that no minute is excluded twice.
 */
export async function recordExclusion(deps: { sql: Sql; writer: FactWriter }, input: ExclusionInput): Promise<Exclusion> {
  if (!(exclusionCauses as readonly string[]).includes(input.cause))
    throw new ExclusionError(`cause: expected one of ${exclusionCauses.join(', ')}`, 'cause');
  if (!Number.isInteger(input.connectorId) || input.connectorId < 0 || input.connectorId > 100)
    throw new ExclusionError('connectorId: expected 0 (the whole station) to 100', 'connectorId');
  if (!(input.to > input.from)) throw new ExclusionError('to: must be after from', 'to');
  if (input.to.getTime() - input.from.getTime() > yearMs) throw new ExclusionError('to: an exclusion lasts at most a year', 'to');
  if (input.note && input.note.length > 255) throw new ExclusionError('note: expected at most 255 characters', 'note');
  const overlapping = await deps.sql.query(
    `select 1 from outage_exclusion where station_id = $1 and started_at < $3 and ended_at > $2 limit 1`,
    [input.stationId, input.from, input.to],
  );
  if (overlapping.rows.length) throw new ExclusionError('from: overlaps another exclusion of this station', 'from');
  const id = randomUUID();
  const recordedAt = new Date();
  await deps.sql.query(
    `insert into outage_exclusion (id, organisation_id, station_id, connector_id, cause, started_at, ended_at, note, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      input.organisationId,
      input.stationId,
      input.connectorId,
      input.cause,
      input.from,
      input.to,
      input.note ?? null,
      input.recordedBy,
      recordedAt,
    ],
  );
  await deps.writer.insert('outage_exclusions', await exclusionRows(deps.sql, [id], deps.writer.version));
  return { ...input, id, cause: input.cause as ExclusionCause, recordedAt };
}
