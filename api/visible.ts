import { type Principal, seesOrganisation } from '../auth/principal.js';
import type { Organisation, Station } from '../schema/entities/index.js';
import { findVisibleStation } from '../stations/visibility.js';
import type { ApiContext } from './context.js';
import { notFound } from './errors.js';

/** Finds one station the principal may see, or says it is not found (another organisation's included). */
export async function visibleStation(context: ApiContext, where: { id?: string; identity?: string }): Promise<Station> {
  const station = await findVisibleStation(context.em, context.principal as Principal, where);
  if (!station) throw notFound(`station ${where.identity ?? where.id}`);
  return station;
}

/** The organisation a principal may read, or not found (another organisation's included). */
export async function visibleOrganisation(context: ApiContext, id: string): Promise<Organisation> {
  const organisation = await context.loaders.organisation.load(id);
  if (!organisation || !seesOrganisation(context.principal as Principal, organisation.id)) throw notFound(`organisation ${id}`);
  return organisation;
}
