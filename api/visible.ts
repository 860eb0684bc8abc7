import type { Principal } from '../auth/principal.js';
import type { Station } from '../schema/entities/index.js';
import { findVisibleStation } from '../stations/visibility.js';
import type { ApiContext } from './context.js';
import { notFound } from './errors.js';

/** Finds one station the principal may see, or says it is not found (another organisation's included). */
export async function visibleStation(context: ApiContext, where: { id?: string; identity?: string }): Promise<Station> {
  const station = await findVisibleStation(context.em, context.principal as Principal, where);
  if (!station) throw notFound(`station ${where.identity ?? where.id}`);
  return station;
}
