import type { Orm } from '../../database/orm.js';
import type { Ledger } from '../ledger/ledger.js';
import { PlanCatalogue } from './catalogue.js';
import { PlanGate } from './gate.js';
import { PlanCoverage } from './hooks.js';
import { PlanSubscriptions } from './subscriptions.js';

/** Subscription plans: the catalogue, drivers' subscriptions, and the hooks billing and authorization call. */
export interface Plans {
  catalogue: PlanCatalogue;
  subscriptions: PlanSubscriptions;
  /** For billing (billing/service.ts) and tariff choice (billing/tariffs.ts). */
  coverage: PlanCoverage;
  /** For authorization (billing/money-gate.ts). */
  gate: PlanGate;
}

export function createPlans(deps: { orm: Orm; ledger: Ledger }): Plans {
  const catalogue = new PlanCatalogue({ orm: deps.orm });
  return {
    catalogue,
    subscriptions: new PlanSubscriptions({ ...deps, catalogue }),
    coverage: new PlanCoverage({ orm: deps.orm }),
    gate: new PlanGate({ orm: deps.orm }),
  };
}
