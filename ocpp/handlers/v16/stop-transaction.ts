import { deadline } from '../../../database/availability.js';
import { normaliseMeterValues, parseTimestamp } from '../../../telemetry/normalise.js';
import { defineHandler } from '../define.js';

/**
 * A session ended. Final: a repeat changes nothing. An unknown transactionId (-1, 0, one never
 * issued) is answered validly and recorded, never refused, or the station would retry forever.
 * While PostgreSQL is away the stop is journalled in Redis and answered; its anomalies are recorded
 * when the journal is applied (sessions/stop-journal.ts).
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'StopTransaction',
  async handle({ request, station, deps, receivedAt }) {
    const transactionId = String(request.transactionId);
    const outcome = await deps.sessions.stopDurably(station.station, {
      transactionId,
      meterStopWh: request.meterStop,
      stoppedAt: parseTimestamp(request.timestamp) ?? receivedAt,
      reason: request.reason,
      idTag: request.idTag,
      receivedAt,
    });
    const known = outcome.kind !== 'unknown';
    const open = deps.sessions.forgetOpen(station.station.id, transactionId);
    const session = { sessionId: 'sessionId' in outcome ? outcome.sessionId : null, transactionId };
    if (outcome.kind === 'unknown') {
      await deps.anomalies.record(station.station.id, 'unknown-transaction', {
        action: 'StopTransaction',
        transactionId: request.transactionId,
        meterStop: request.meterStop,
      });
    }
    if (outcome.kind === 'stopped') {
      for (const flag of outcome.flags) {
        await deps.anomalies.record(station.station.id, flag, { meterStop: request.meterStop }, session);
      }
    }
    if (request.transactionData?.length) {
      const { samples, problems } = normaliseMeterValues(request.transactionData);
      for (const problem of problems) {
        await deps.anomalies.record(
          station.station.id,
          `meter-${problem.kind}`,
          { detail: problem.detail },
          known ? session : { transactionId },
        );
      }
      await deps.telemetry.push({
        station: station.identity,
        // A repeated stop carries the same connector, so its samples replace the first ones.
        connectorId: 'connectorId' in outcome ? outcome.connectorId : (open?.connectorId ?? 0),
        sessionId: session.sessionId ?? open?.sessionId ?? null,
        transactionId,
        receivedAt,
        source: 'StopTransaction',
        frameKey: `${station.identity}:stop:${request.transactionId}:${request.timestamp}`,
        samples,
      });
    }
    if (!request.idTag) return {};
    const decision = deps.authorization.check(request.idTag, {
      countOpenSessions: false,
      purpose: 'StopTransaction',
      stationId: station.station.id,
    });
    if (outcome.kind !== 'journalled') return { idTagInfo: (await decision).idTagInfo };
    // idTagInfo is optional here: from the Redis cache if it has the idTag, else left out rather than waited for.
    const cached = await deadline(decision, 1_000).catch(() => null);
    return cached ? { idTagInfo: cached.idTagInfo } : {};
  },
});
