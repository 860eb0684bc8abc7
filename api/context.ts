import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../system/deps.js';

export type ApiDeps = Deps & { version: string };

/** One per GraphQL operation: its own unit of work (a forked EntityManager). */
export interface ApiContext {
  deps: ApiDeps;
  em: EntityManager;
}

export function createContext(deps: ApiDeps): ApiContext {
  return { deps, em: deps.orm.em.fork() };
}
