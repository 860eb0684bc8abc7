import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Connector, Organisation, Site, Station, Transaction, User } from '../schema/entities/index.js';

const byId = <T extends { id: string }>(rows: T[], ids: readonly string[]) => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
};

/** One batch query per field per request, instead of one query per row. */
export function createLoaders(em: EntityManager) {
  return {
    organisation: new DataLoader<string, Organisation | null>(async (ids) =>
      byId(await em.find(Organisation, { id: { $in: [...ids] } }), ids),
    ),
    site: new DataLoader<string, Site | null>(async (ids) => byId(await em.find(Site, { id: { $in: [...ids] } }), ids)),
    station: new DataLoader<string, Station | null>(async (ids) => byId(await em.find(Station, { id: { $in: [...ids] } }), ids)),
    user: new DataLoader<string, User | null>(async (ids) => byId(await em.find(User, { id: { $in: [...ids] } }), ids)),
    connectorsByStation: new DataLoader<string, Connector[]>(async (ids) => {
      const rows = await em.find(Connector, { station: { $in: [...ids] } }, { orderBy: { connectorId: 'asc' } });
      return ids.map((id) => rows.filter((r) => r.station.id === id));
    }),
    openSessionsByStation: new DataLoader<string, Transaction[]>(async (ids) => {
      const rows = await em.find(Transaction, { station: { $in: [...ids] }, state: 'Active' });
      return ids.map((id) => rows.filter((r) => r.station.id === id));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
