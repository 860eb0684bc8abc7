import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { healthSql } from '../alerts/health.js';
import type { Sql } from '../database/sql.js';
import { Organisation, Site, Station, ChargingSession, User } from '../schema/entities/index.js';
import type { ConnectorFields } from './types/station.type.js';

const byId = <T extends { id: string }>(rows: T[], ids: readonly string[]) => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
};

export type Row = Record<string, unknown>;

/** A page of one parent's children: the rows of the window and how many there are in all. */
export interface ChildPage<R = Row> {
  rows: R[];
  total: number;
}

export interface ChildPageKey {
  parentId: string;
  offset: number;
  limit: number;
  /** Chooses the extra condition of the query; part of the cache key. */
  filter?: string | number | null;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Pages of children for many parents (a site's stations, a station's history) in one query per
 * distinct window: row_number() over each parent, instead of one query per parent row.
 */
export function childPages(
  em: EntityManager,
  query: { table: string; parent: string; order: string; where?: (filter: ChildPageKey['filter']) => { sql: string; params: unknown[] } },
) {
  return new DataLoader<ChildPageKey, ChildPage, string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const key of keys) {
        const group = `${key.offset}|${key.limit}|${key.filter ?? ''}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const pages = new Map<string, ChildPage>();
      for (const group of groups.values()) {
        const { offset, limit, filter } = group[0] as ChildPageKey;
        const ids = [...new Set(group.map((k) => k.parentId))];
        const extra = query.where?.(filter) ?? { sql: 'true', params: [] };
        const rows = await em.getConnection().execute<Row[]>(
          `select * from (
             select t.*, row_number() over (partition by t.${query.parent} order by ${query.order}) as rn__,
                    count(*) over (partition by t.${query.parent}) as total__
             from ${query.table} t where t.${query.parent} in (${placeholders(ids.length)}) and ${extra.sql}
           ) x where rn__ > ? and rn__ <= ? order by rn__`,
          [...ids, ...extra.params, offset, offset + limit],
        );
        for (const id of ids) pages.set(`${id}|${offset}|${limit}|${filter ?? ''}`, { rows: [], total: 0 });
        for (const row of rows) {
          const page = pages.get(`${String(row[query.parent])}|${offset}|${limit}|${filter ?? ''}`);
          if (!page) continue;
          page.rows.push(row);
          page.total = Number(row.total__);
        }
      }
      return keys.map((k) => pages.get(`${k.parentId}|${k.offset}|${k.limit}|${k.filter ?? ''}`) ?? { rows: [], total: 0 });
    },
    { cacheKeyFn: (k) => `${k.parentId}|${k.offset}|${k.limit}|${k.filter ?? ''}` },
  );
}

/** Every row of a table per parent id, in one query. */
function childRows(em: EntityManager, table: string, parent: string, order: string) {
  return new DataLoader<string | number, Row[]>(async (ids) => {
    const rows = await em
      .getConnection()
      .execute<Row[]>(`select * from ${table} where ${parent} in (${placeholders(ids.length)}) order by ${order}`, [...ids]);
    return ids.map((id) => rows.filter((r) => String(r[parent]) === String(id)));
  });
}

/** One batch query per field per request, instead of one query per row. */
export function createLoaders(em: EntityManager, sql: Sql) {
  return {
    organisation: new DataLoader<string, Organisation | null>(async (ids) =>
      byId(await em.find(Organisation, { id: { $in: [...ids] } }), ids),
    ),
    site: new DataLoader<string, Site | null>(async (ids) => byId(await em.find(Site, { id: { $in: [...ids] } }), ids)),
    station: new DataLoader<string, Station | null>(async (ids) => byId(await em.find(Station, { id: { $in: [...ids] } }), ids)),
    user: new DataLoader<string, User | null>(async (ids) => byId(await em.find(User, { id: { $in: [...ids] } }), ids)),
    /** Each station's health (alerts/health.ts), one query for a page of stations. */
    healthByStation: new DataLoader<string, number>(async (ids) => {
      const { rows } = await sql.query<{ id: string; health: number }>(
        `select s.id, ${healthSql('s')} as health from station s where s.id = any($1::uuid[])`,
        [[...ids]],
      );
      const health = new Map(rows.map((row) => [row.id, row.health]));
      return ids.map((id) => health.get(id) ?? 100);
    }),
    /** Read as rows, not entities: every station of a page asks for its connectors. */
    connectorsByStation: new DataLoader<string, ConnectorFields[]>(async (ids) => {
      const { rows } = await sql.query<Row>(
        `select station_id, evse_id, connector_id, status, ocpp_status, error_code, info, vendor_error_code, status_since from connector
         where station_id = any($1::uuid[]) order by evse_id, connector_id`,
        [[...ids]],
      );
      const platform = em.getPlatform();
      const byStation = new Map<string, ConnectorFields[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        byStation.get(String(row.station_id))?.push({
          evseId: Number(row.evse_id),
          connectorId: Number(row.connector_id),
          status: String(row.status),
          ocppStatus: String(row.ocpp_status),
          errorCode: String(row.error_code),
          info: (row.info as string | null) ?? null,
          vendorErrorCode: (row.vendor_error_code as string | null) ?? null,
          statusSince:
            row.status_since === null || row.status_since === undefined
              ? null
              : row.status_since instanceof Date
                ? row.status_since
                : platform.parseDate(String(row.status_since)),
        });
      }
      return ids.map((id) => byStation.get(id) ?? []);
    }),
    openSessionsByStation: new DataLoader<string, ChargingSession[]>(async (ids) => {
      const rows = await em.find(
        ChargingSession,
        { station: { $in: [...ids] }, state: 'Active' },
        { orderBy: { connectorId: 'asc' }, populate: ['station', 'idToken'] },
      );
      return ids.map((id) => rows.filter((r) => r.station.id === id));
    }),
    /** Stations of a site, by identity; filter 'accepted' keeps those drivers may see. */
    stationsBySite: childPages(em, {
      table: 'station',
      parent: 'site_id',
      order: 't.identity, t.id',
      where: (filter) => ({
        sql: filter === 'accepted' ? `t.retired_at is null and t.registration_status = 'Accepted'` : 't.retired_at is null',
        params: [],
      }),
    }),
    configurationByStation: childRows(em, 'configuration_key', 'station_id', 'key'),
    bootsByStation: childPages(em, { table: 'boot_event', parent: 'station_id', order: 't.received_at desc, t.id desc' }),
    /** Status history, newest first; filter = a connectorId, or none for all connectors. */
    statusesByStation: childPages(em, {
      table: 'status_event',
      parent: 'station_id',
      order: 't.received_at desc, t.id desc',
      where: (filter) => (typeof filter === 'number' ? { sql: 't.connector_id = ?', params: [filter] } : { sql: 'true', params: [] }),
    }),
    anomaliesByStation: childPages(em, { table: 'anomaly', parent: 'station_id', order: 't.received_at desc, t.id desc' }),
    securityEventsByStation: childPages(em, { table: 'security_event', parent: 'station_id', order: 't.received_at desc, t.id desc' }),
    anomaliesBySession: childRows(em, 'anomaly', 'session_id', 'received_at, id'),
    /** Who an audit entry's actor is: a user (by email) or an API key (by name). */
    actorName: new DataLoader<string, { name: string; kind: 'user' | 'apiKey' } | null>(async (actors) => {
      const ids = actors.filter((a) => /^[0-9a-f-]{36}$/i.test(a));
      if (ids.length === 0) return actors.map(() => null);
      const rows = await em.getConnection().execute<{ id: string; name: string; kind: 'user' | 'apiKey' }[]>(
        `select id, email as name, 'user' as kind from app_user where id in (${placeholders(ids.length)})
         union all select id, 'API key ' || name as name, 'apiKey' as kind from api_key where id in (${placeholders(ids.length)})`,
        [...ids, ...ids],
      );
      const names = new Map(rows.map((r) => [String(r.id), { name: r.name, kind: r.kind }]));
      return actors.map((a) => names.get(a) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
