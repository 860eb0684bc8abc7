import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, errorCode, gql } from '../../test/api.js';
import { anIdentity, bootPayload, connectCharger, type TestCharger } from '../../test/chargers.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const reserve = `mutation($s: String!, $t: String!, $until: DateTimeISO!) {
  reserveNow(stationIdentity: $s, connectorId: 1, idTag: $t, expiresAt: $until) { status reservationId }
}`;
const cancel = 'mutation($s: String!, $id: Int!) { cancelReservation(stationIdentity: $s, reservationId: $id) { status reservationId } }';
const list = `query($s: String!, $first: Int, $after: String, $status: String) {
  reservations(stationIdentity: $s, first: $first, after: $after, status: $status) {
    totalCount nodes { reservationId stationIdentity connectorId idTag status active expiresAt } pageInfo { hasNextPage endCursor }
  }
}`;

type Listed = {
  reservations: {
    totalCount: number;
    nodes: Array<{ reservationId: number; stationIdentity: string; idTag: string; status: string; active: boolean }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('reservations in the API: cancelling any reservationId, and listing a station’s', () => {
  let system: TestSystem;
  let operator: string;
  let otherOperator: string;
  let identity: string;
  let charger: TestCharger;
  /** What the station holds: like a real one, it cancels only the reservations it has. */
  const held = new Set<number>();
  const cancels: number[] = [];
  const siteOf = { siteId: '' };
  const until = () => new Date(Date.now() + 3_600_000).toISOString();

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    const org = await anOrganisation(system, 'Reservations Alpha');
    siteOf.siteId = org.siteId;
    operator = (await aUser(system, 'OPERATOR', org.organisationId)).token;
    otherOperator = (await aUser(system, 'OPERATOR', (await anOrganisation(system, 'Reservations Beta')).organisationId)).token;
    identity = anIdentity('RSV');
    const created = await system.deps.stations.create({ identity, siteId: org.siteId });
    charger = await connectCharger(
      system,
      { identity, password: created.ocppPassword },
      {
        handlers: {
          ReserveNow: (params) => {
            held.add(params.reservationId as number);
            return { status: 'Accepted' };
          },
          CancelReservation: (params) => {
            const id = params.reservationId as number;
            cancels.push(id);
            return { status: held.delete(id) ? 'Accepted' : 'Rejected' };
          },
        },
      },
    );
    await charger.call('BootNotification', bootPayload());
  });
  afterAll(() => system?.close());

  it('sends CancelReservation for a reservationId evcms did not issue, and answers the station’s Rejected (OCA TC_052)', async () => {
    const answer = await gql<{ cancelReservation: { status: string; reservationId: number } }>(
      system,
      cancel,
      { s: identity, id: 2_000_000_001 },
      operator,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelReservation).toEqual({ status: 'Rejected', reservationId: 2_000_000_001 });
    expect(cancels).toEqual([2_000_000_001]);
    expect(charger.violations).toEqual([]);
  });

  it("lists the station's reservations with their state, newest first, a page at a time", async () => {
    const ids: number[] = [];
    for (const tag of ['RSVTAG1', 'RSVTAG2', 'RSVTAG3']) {
      const made = await gql<{ reserveNow: { reservationId: number } }>(system, reserve, { s: identity, t: tag, until: until() }, operator);
      ids.push(made.data?.reserveNow.reservationId as number);
    }
    const cancelled = await gql<{ cancelReservation: { status: string } }>(system, cancel, { s: identity, id: ids[0] }, operator);
    expect(cancelled.data?.cancelReservation.status).toBe('Accepted');

    const first = await gql<Listed>(system, list, { s: identity, first: 2 }, operator);
    expect(first.errors).toBeUndefined();
    expect(first.data?.reservations.totalCount).toBe(3);
    expect(first.data?.reservations.nodes).toEqual([
      expect.objectContaining({ reservationId: ids[2], stationIdentity: identity, idTag: 'RSVTAG3', status: 'Accepted', active: true }),
      expect.objectContaining({ reservationId: ids[1], idTag: 'RSVTAG2', status: 'Accepted', active: true }),
    ]);
    expect(first.data?.reservations.pageInfo.hasNextPage).toBe(true);
    const after = first.data?.reservations.pageInfo.endCursor;
    const second = await gql<Listed>(system, list, { s: identity, first: 2, after }, operator);
    expect(second.data?.reservations.nodes).toEqual([
      expect.objectContaining({ reservationId: ids[0], idTag: 'RSVTAG1', status: 'Cancelled', active: false }),
    ]);
    expect(second.data?.reservations.pageInfo.hasNextPage).toBe(false);
    const onlyCancelled = await gql<Listed>(system, list, { s: identity, status: 'Cancelled' }, operator);
    expect(onlyCancelled.data?.reservations.nodes.map((r) => r.reservationId)).toEqual([ids[0]]);
  });

  it("does not mark another station's reservation cancelled when a station accepts the cancel of the same id", async () => {
    const made = await gql<{ reserveNow: { reservationId: number } }>(
      system,
      reserve,
      { s: identity, t: 'RSVKEEP', until: until() },
      operator,
    );
    const id = made.data?.reserveNow.reservationId as number;
    const other = anIdentity('RSVOTHER');
    const created = await system.deps.stations.create({ identity: other, siteId: siteOf.siteId });
    const yesMan = await connectCharger(
      system,
      { identity: other, password: created.ocppPassword },
      { handlers: { CancelReservation: () => ({ status: 'Accepted' }) } },
    );
    const answer = await gql<{ cancelReservation: { status: string } }>(system, cancel, { s: other, id }, operator);
    expect(answer.data?.cancelReservation.status).toBe('Accepted');
    const kept = await gql<Listed>(system, list, { s: identity, first: 1 }, operator);
    expect(kept.data?.reservations.nodes[0]).toMatchObject({ reservationId: id, status: 'Accepted' });
    await yesMan.close();
  });

  it("reads another organisation's station as not found, refuses drivers, and explains a bad status", async () => {
    expect(errorCode(await gql(system, list, { s: identity }, otherOperator))).toBe('NOT_FOUND');
    const driver = (await aUser(system, 'DRIVER')).token;
    expect(errorCode(await gql(system, list, { s: identity }, driver))).toBe('FORBIDDEN');
    const bad = await gql(system, list, { s: identity, status: "'; drop table reservation; --" }, operator);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toBe('status: expected a reservation state such as Accepted or Cancelled');
  });
});
