import { isPostgresUnavailable, withinDeadline } from '../../../database/availability.js';
import { isTransactionId, storableWh } from '../../../sessions/service.js';
import { parseTimestamp } from '../../../telemetry/normalise.js';
import { unavailable } from '../../rpc/errors.js';
import { checkConnectorId, defineHandler } from '../define.js';

/**
 * A session began. Idempotent: a retry with the same connector, idTag, meterStart and timestamp gets
 * the same transactionId. A credential no longer accepted still gets its session recorded (the
 * station may have started offline): the energy is kept and the session flagged.
 * While PostgreSQL is away (or slower than the OCPP deadline) no transactionId can be issued: the answer is
 * unavailable('PostgreSQL'), which the station retries; a start that reached PostgreSQL late gets the
 * same transactionId on that retry.
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'StartTransaction',
  async handle({ request, station, deps, log, receivedAt }) {
    checkConnectorId(request.connectorId, 1);
    const startedAt = parseTimestamp(request.timestamp) ?? receivedAt;
    const { decision, started } = await (async () => {
      const decision = await withinDeadline(() =>
        deps.authorization.check(request.idTag, {
          purpose: 'StartTransaction',
          startingOn: { stationId: station.station.id, connectorId: request.connectorId },
        }),
      );
      const started = await withinDeadline(() =>
        deps.sessions.start(station.station, {
          connectorId: request.connectorId,
          idTag: request.idTag,
          credentialType: decision.credentialType,
          meterStartWh: request.meterStart,
          startedAt,
          reservationId: request.reservationId,
          authStatus: decision.idTagInfo.status,
          idTokenId: decision.tokenId,
          receivedAt,
        }),
      );
      // The tariff in force now is the session's for good (billing/tariffs.ts); one not recorded is looked up at billing.
      if (started.created) {
        const question = { stationId: station.station.id, connectorId: request.connectorId, idTokenId: decision.tokenId, at: startedAt };
        await withinDeadline(() => deps.tariffs.snapshot(started.sessionId, question)).catch((error: unknown) =>
          log.warn({ err: error, sessionId: started.sessionId }, 'ocpp: tariff not recorded on the session; billing looks it up'),
        );
      }
      return { decision, started };
    })().catch((error: unknown) => {
      throw isPostgresUnavailable(error) ? unavailable('PostgreSQL') : error;
    });
    // A new session supersedes one still cached on this connector: its MeterValues no longer count.
    deps.sessions.rememberOpen(
      station.station.id,
      {
        sessionId: started.sessionId,
        transactionId: started.transactionId,
        connectorId: request.connectorId,
        meterStartWh: storableWh(request.meterStart) ?? Number.NaN,
        idTag: request.idTag,
      },
      started.created,
    );
    if (started.created && decision.idTagInfo.status !== 'Accepted') {
      await deps.anomalies.record(
        station.station.id,
        'start-not-authorised',
        { idTag: request.idTag, status: decision.idTagInfo.status, reason: decision.reason },
        started,
      );
    }
    // Numbers the schema allows but no column holds: answered and recorded, never refused (the station would retry).
    if (started.created && storableWh(request.meterStart) === null) {
      await deps.anomalies.record(station.station.id, 'meter-out-of-range', { meterStart: request.meterStart }, started);
    }
    if (started.created && request.reservationId !== undefined && !isTransactionId(request.reservationId)) {
      await deps.anomalies.record(station.station.id, 'unknown-reservation', { reservationId: request.reservationId }, started);
    }
    if (started.created && startedAt.getTime() - receivedAt.getTime() > 5 * 60_000) {
      await deps.anomalies.record(
        station.station.id,
        'clock-ahead',
        { timestamp: request.timestamp, receivedAt: receivedAt.toISOString() },
        started,
      );
    }
    const status = started.created ? decision.idTagInfo.status : (started.authStatus as typeof decision.idTagInfo.status);
    // 1.6 ids are evcms's own int32s (the ocpp16_transaction_id sequence), kept as text beside 2.0.1's.
    return { transactionId: Number(started.transactionId), idTagInfo: { ...decision.idTagInfo, status } };
  },
});
