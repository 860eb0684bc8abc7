import { type OperationRow, type PermissionWorld, staffAndPartners } from '../permissions.js';
import type { FakeStripe } from '../../simulator/providers/stripe/server.js';

/** What the rows of the mutation matrix act on (api/permissions.mutations.test.ts). */
export interface MutationWorld {
  w: PermissionWorld;
  /** A reservation at station A, for cancelReservation. */
  reservationId: number;
  /** The local Stripe server the card rows use. */
  stripe: FakeStripe;
}

/** A command to station A (plus these variables as `$name`s). */
export const command = (w: PermissionWorld, document: string, extra: Record<string, unknown> = {}): OperationRow => ({
  document,
  variables: () => ({ station: w.stationA.identity, ...extra }),
  expect: staffAndPartners('STATION_OFFLINE'),
});
