import { activePowerW, energyRegisterWh, normaliseMeterValues } from '../../../telemetry/normalise.js';
import { checkConnectorId, defineHandler } from '../define.js';

/**
 * Samples from a connector. Every sample goes to the warehouse through the durable buffer; an open
 * session's live energy and power are updated in memory and announced, then written behind.
 */
export default defineHandler({
  version: 'ocpp1.6',
  action: 'MeterValues',
  async handle({ request, station, deps, log, receivedAt }) {
    checkConnectorId(request.connectorId);
    const { samples, problems } = normaliseMeterValues(request.meterValue);
    const transactionId = request.transactionId === undefined ? null : String(request.transactionId);
    // The cache first, synchronously: a known session's frames cost no query and no extra turn.
    let session = transactionId === null ? undefined : deps.sessions.cachedOpen(station.station.id, transactionId);
    if (transactionId !== null && !session) session = (await deps.sessions.open(station.station, transactionId)) ?? undefined;
    if (transactionId !== null && !session) {
      await deps.anomalies.record(station.station.id, 'unknown-transaction', {
        action: 'MeterValues',
        transactionId,
        connectorId: request.connectorId,
      });
    }
    for (const problem of problems) {
      await deps.anomalies.record(
        station.station.id,
        `meter-${problem.kind}`,
        { detail: problem.detail, transactionId },
        { sessionId: session?.sessionId, transactionId },
      );
    }
    const buffered = deps.telemetry.push({
      station: station.identity,
      connectorId: request.connectorId,
      // Unknown while PostgreSQL is away for a session this node did not cache: the warehouse has the key.
      sessionId: session?.sessionId ?? null,
      transactionId,
      receivedAt,
      source: 'MeterValues',
      // No frameKey: the buffer keys the frame by its content, so the same frame sent again (a retry,
      // a replay after reconnect) gets the same key and no duplicate rows.
      samples,
    });
    if (session) {
      const register = energyRegisterWh(samples);
      const power = activePowerW(samples);
      if (register !== null || power !== null) {
        const at = samples.at(-1)?.ts ?? receivedAt;
        // Announced, not awaited: the answer waits for the samples to be safe, not for subscribers to hear.
        void deps.sessions
          .updateLive(station.station, session, register === null ? null : register - session.meterStartWh, power, at)
          .catch((error: unknown) => log.warn({ err: error, transactionId }, 'ocpp: live session update not announced'));
      }
    }
    // Returned, not awaited: this function's frame (the request, the samples) is let go now, and only
    // the count waits with the reply for Redis.
    const count = samples.length;
    return buffered.then(() => {
      deps.metrics.bufferedSamples.inc(count);
      return {};
    });
  },
});
