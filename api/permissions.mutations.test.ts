import { afterAll, beforeAll, describe } from 'vitest';
import { Reservation, Station } from '../schema/entities/index.js';
import {
  aPermissionWorld,
  type OperationRow,
  itAnswersAsTheMatrixSays,
  type PermissionWorld,
  schemaOperations,
} from '../test/permissions.js';
import { FakeMomo } from '../simulator/providers/momo-server.js';
import { FakeStripe } from '../simulator/providers/stripe/server.js';
import { accountRows } from '../test/mutation-rows/accounts.js';
import { billingRows } from '../test/mutation-rows/billing.js';
import type { MutationWorld } from '../test/mutation-rows/common.js';
import { operationRows } from '../test/mutation-rows/operations.js';
import { stationRows } from '../test/mutation-rows/stations.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// Every mutation of the schema against every principal: see test/permissions.ts for who they are, and
// test/mutation-rows/ for the rows, by concern. Mutations that change what they target get a throw-away target
// per attempt; station commands go to station A, which is not connected, so an allowed caller hears STATION_OFFLINE.

const mutationNames = await schemaOperations('Mutation');

function mutationRows(world: MutationWorld): Record<string, OperationRow> {
  return { ...accountRows(world), ...operationRows(world), ...stationRows(world), ...billingRows(world) };
}

describe('who may change what: every mutation against every principal, with two organisations', () => {
  let system: TestSystem;
  let world: PermissionWorld;
  let rows: Record<string, OperationRow>;
  let momo: FakeMomo;
  let stripe: FakeStripe;

  beforeAll(async () => {
    momo = await FakeMomo.start({ currency: 'RWF' });
    stripe = await FakeStripe.start();
    system = await startTestSystem({ roles: ['api'], env: { ...momo.env(), ...stripe.env() } });
    world = await aPermissionWorld(system);
    const em = system.deps.orm.em.fork();
    const reservation = em.create(Reservation, {
      station: em.getReference(Station, world.stationA.id),
      connectorId: 1,
      idTag: world.driverTag.value,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await em.flush();
    rows = mutationRows({ w: world, reservationId: reservation.id, stripe });
  });
  afterAll(async () => {
    await system?.close();
    await momo?.close();
    await stripe?.close();
  });

  itAnswersAsTheMatrixSays('Mutation', mutationNames, () => ({ world, rows }));
});
